package io.sluice.worker.bwe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Estimator and allocator in a closed loop, as a transport will run them: the sender forwards
 * exactly the layers the allocator chose (plus audio and the prober's padding) over a simulated
 * bottleneck, the target of probing comes from the allocator (as TransportBitrateAllocation sets it), and each new estimate is
 * allocated again. The viewer's link steps 2 Mbit/s -> 400 kbit/s -> 2 Mbit/s.
 */
class BandwidthAllocationLoopTest {

    @Test
    void draftGcc02_aViewerFollowsItsLinkDownAndBackWithoutFlapping() {
        BweSimulation[] holder = new BweSimulation[1];
        BweSimulation simulation = new BweSimulation(600_000, 2_000_000, 25_000, 11);
        holder[0] = simulation;
        BitrateAllocator allocator = new BitrateAllocator(simulation.clock);
        LayeredConsumerStub audio = LayeredConsumerStub.audio(40_000, simulation.clock::monotonicMillis);
        LayeredConsumerStub video = LayeredConsumerStub.simulcast(simulation.clock::monotonicMillis);
        allocator.add(audio);
        allocator.add(video);
        simulation.mediaRate(estimate -> {
            allocator.allocate(estimate);
            holder[0].estimator.setDesiredBitrate(allocator.probeTargetBitrate());
            return allocator.allocatedBitrate();
        });

        simulation.run(20_000);
        assertThat(video.bitrate()).as("top layer on the 2 Mbit/s link").isEqualTo(1_500_000);
        int decisionsBefore = video.decisions.size();

        simulation.link.setCapacity(400_000);
        long stepMillis = simulation.clock.monotonicMillis();
        simulation.run(30_000);
        LayeredConsumerStub.Decision down = video.decisions.get(decisionsBefore);
        long bitrateOnSlowLink = video.bitrate();
        int changesOnSlowLink = video.decisions.size() - decisionsBefore - 1;
        assertThat(down.atMillis() - stepMillis).as("ms from the capacity step to the switch down").isLessThanOrEqualTo(2_000);
        assertThat(bitrateOnSlowLink + 40_000).as("what is forwarded fits the slow link").isLessThanOrEqualTo(400_000);
        assertThat(changesOnSlowLink).as("changes after the first switch down, in 30 s").isLessThanOrEqualTo(1);

        simulation.link.setCapacity(2_000_000);
        long restoredMillis = simulation.clock.monotonicMillis();
        simulation.run(30_000);
        List<LayeredConsumerStub.Decision> afterRestore = video.decisions.stream()
                .filter(decision -> decision.atMillis() >= restoredMillis).toList();
        assertThat(video.bitrate()).as("top layer again").isEqualTo(1_500_000);
        long backMillis = afterRestore.get(afterRestore.size() - 1).atMillis() - restoredMillis;
        System.out.printf("loop: 2 Mbit/s -> 400 kbit/s: down after %d ms to %d bit/s, %d more changes in 30 s;"
                + " restored: top layer after %d ms (%d changes); padding %d bytes of %d%n",
                down.atMillis() - stepMillis, bitrateOnSlowLink, changesOnSlowLink, backMillis, afterRestore.size(),
                simulation.paddingBytesSent(), simulation.paddingBytesSent() + simulation.mediaBytesSent());
        assertThat(backMillis).as("ms from the capacity restored to the top layer").isLessThanOrEqualTo(20_000);
        assertThat(video.decisions).allSatisfy(decision -> assertThat(decision.reason()).isEqualTo(LayerChangeReason.BANDWIDTH));
    }
}
