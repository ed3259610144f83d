package io.sluice.worker.bwe;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.worker.testsupport.TestClock;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * mediasoup's distribution of the available bitrate (priority rounds, audio first, highest layer
 * within the preferred ones) with Sluice's hysteresis: down within 2 s of a drop, up only after
 * the estimate held with headroom, at most one change per 30 s on a steady but noisy estimate.
 */
class BitrateAllocatorTest {

    private final TestClock clock = new TestClock();
    private final BitrateAllocator allocator = new BitrateAllocator(clock);

    private LayeredConsumerStub simulcast() {
        LayeredConsumerStub consumer = LayeredConsumerStub.simulcast(clock::monotonicMillis);
        allocator.add(consumer);
        return consumer;
    }

    /** Feeds {@code estimate} every 100 ms for {@code millis}. */
    private void hold(long estimate, long millis) {
        for (long t = 0; t < millis; t += 100) {
            allocator.allocate(estimate);
            clock.advanceMillis(100);
        }
    }

    @Test
    void audioIsServedBeforeAnyVideoLayer() {
        LayeredConsumerStub audio = LayeredConsumerStub.audio(64_000, clock::monotonicMillis);
        allocator.add(audio);
        LayeredConsumerStub video = simulcast();

        allocator.allocate(100_000);
        assertThat(video.spatial).as("36 kbit/s left after audio: no video layer fits").isEqualTo(-1);
        assertThat(audio.decisions).as("audio is always forwarded, never switched").isEmpty();
        assertThat(allocator.allocatedBitrate()).isEqualTo(64_000);

        allocator.allocate(200_000);
        assertThat(video.bitrate()).isEqualTo(100_000);
        assertThat(allocator.allocatedBitrate()).isEqualTo(164_000);
        assertThat(allocator.desiredBitrate()).isEqualTo(64_000 + 1_500_000);
    }

    @Test
    void higherPriorityTakesMoreLayerStepsPerRound() {
        LayeredConsumerStub high = simulcast();
        high.priority = 3;
        LayeredConsumerStub low = simulcast();

        allocator.allocate(1_200_000);

        assertThat(List.of(high.spatial, high.temporal)).isEqualTo(List.of(2, 0));
        assertThat(List.of(low.spatial, low.temporal)).isEqualTo(List.of(1, 1));
        assertThat(allocator.allocatedBitrate()).isLessThanOrEqualTo((long) (1_200_000 / BitrateAllocator.UP_HEADROOM));
    }

    @Test
    void goingDownTheLowerPriorityConsumerGivesUpFirst() {
        LayeredConsumerStub high = simulcast();
        high.priority = 2;
        LayeredConsumerStub low = simulcast();
        hold(4_000_000, 1_000);
        assertThat(high.bitrate()).isEqualTo(1_500_000);
        assertThat(low.bitrate()).isEqualTo(1_500_000);

        hold(2_200_000, 1_000);
        assertThat(high.bitrate()).isEqualTo(1_500_000);
        assertThat(low.bitrate()).as("what fits in 2.2 Mbit/s with 10%% headroom: %s / %s", low.decisions, high.decisions).isEqualTo(500_000);
        assertThat(low.lastReason()).isEqualTo(LayerChangeReason.BANDWIDTH);
    }

    @Test
    void preferredLayersAreACeilingAndTheirChangesApplyAtOnce() {
        LayeredConsumerStub video = simulcast();
        video.preferredSpatial = 1;
        video.preferredTemporal = 1;
        hold(5_000_000, 500);
        assertThat(List.of(video.spatial, video.temporal)).isEqualTo(List.of(1, 1));

        video.preferredSpatial = 2;
        video.preferredTemporal = 2;
        allocator.allocate(5_000_000);
        assertThat(List.of(video.spatial, video.temporal)).isEqualTo(List.of(2, 2));
        assertThat(video.lastReason()).isEqualTo(LayerChangeReason.PREFERRED);

        video.preferredSpatial = 0;
        allocator.allocate(5_000_000);
        assertThat(List.of(video.spatial, video.temporal)).isEqualTo(List.of(0, 2));
        assertThat(video.lastReason()).isEqualTo(LayerChangeReason.PREFERRED);
    }

    @Test
    void aLayerTheProducerStopsOrWhoseScoreFallsIsLeftAtOnceWithItsReason() {
        LayeredConsumerStub video = simulcast();
        hold(5_000_000, 500);
        assertThat(video.spatial).isEqualTo(2);

        video.stopSending(2);
        allocator.allocate(5_000_000);
        assertThat(List.of(video.spatial, video.temporal)).isEqualTo(List.of(1, 2));
        assertThat(video.lastReason()).isEqualTo(LayerChangeReason.PRODUCER);

        video.setHealthy(1, false);
        allocator.allocate(5_000_000);
        assertThat(List.of(video.spatial, video.temporal)).isEqualTo(List.of(0, 2));
        assertThat(video.lastReason()).isEqualTo(LayerChangeReason.SCORE);

        video.active = false;
        allocator.allocate(5_000_000);
        assertThat(video.spatial).isEqualTo(-1);
        assertThat(allocator.desiredBitrate()).isZero();
    }

    @Test
    void switchesDownWithinTwoSecondsOfADropInTheEstimate() {
        LayeredConsumerStub video = simulcast();
        hold(2_000_000, 10_000);
        assertThat(video.bitrate()).isEqualTo(1_500_000);

        long dropMillis = clock.monotonicMillis();
        hold(380_000, 3_000);

        LayeredConsumerStub.Decision down = video.decisions.get(video.decisions.size() - 1);
        System.out.printf("allocator: estimate 2 Mbit/s -> 380 kbit/s: down after %d ms%n", down.atMillis() - dropMillis);
        assertThat(down.atMillis() - dropMillis).isLessThanOrEqualTo(2_000);
        assertThat(down.reason()).isEqualTo(LayerChangeReason.BANDWIDTH);
        assertThat(video.bitrate()).isLessThanOrEqualTo(380_000);
    }

    @Test
    void aShortDipDoesNotSwitchDown() {
        LayeredConsumerStub video = simulcast();
        hold(2_000_000, 5_000);
        int decisions = video.decisions.size();

        hold(1_400_000, BitrateAllocator.DOWN_HOLD_MILLIS - 100);
        hold(2_000_000, 5_000);

        assertThat(video.decisions).hasSize(decisions);
    }

    @Test
    void switchesUpOnlyAfterTheSteadyIntervalUnlessTheCapacityClearlyCameBack() {
        LayeredConsumerStub video = simulcast();
        hold(2_000_000, 40_000);
        hold(550_000, 2_000);
        LayeredConsumerStub.Decision down = video.decisions.get(video.decisions.size() - 1);
        assertThat(video.bitrate()).isEqualTo(500_000);

        hold(800_000, 40_000);
        LayeredConsumerStub.Decision up = video.decisions.get(video.decisions.size() - 1);
        assertThat(up.atMillis() - down.atMillis()).as("ms from down to a modest up: the interval, then a whole hold")
                .isBetween(BitrateAllocator.STEADY_INTERVAL_MILLIS,
                        BitrateAllocator.STEADY_INTERVAL_MILLIS + 2 * BitrateAllocator.UP_HOLD_MILLIS);
        assertThat(video.bitrate()).isEqualTo(600_000);

        hold(550_000, 2_000);
        assertThat(video.bitrate()).isEqualTo(500_000);
        long restoredMillis = clock.monotonicMillis();
        hold(3_000_000, 5_000);
        LayeredConsumerStub.Decision back = video.decisions.get(video.decisions.size() - 1);
        System.out.printf("allocator: estimate back at 3 Mbit/s: up after %d ms%n", back.atMillis() - restoredMillis);
        assertThat(back.atMillis() - restoredMillis).as("the estimate recovered far above its level at the down: only the hold")
                .isBetween(BitrateAllocator.UP_HOLD_MILLIS, BitrateAllocator.UP_HOLD_MILLIS + 500);
        assertThat(video.bitrate()).isEqualTo(1_500_000);
    }

    /**
     * Ten minutes of an estimate that jumps at random within ±{@code noisePercent}% of its mean
     * every 100 ms, around layer boundaries, and in some cases also swings by ±20% over
     * {@code swingSeconds} (a sawtooth-like wander that crosses a boundary for seconds at a time):
     * the layer changes at most once per 30 s, where taking the highest layer that fits each
     * estimate (mediasoup) changes it many times a minute.
     */
    @ParameterizedTest(name = "mean {0} bit/s, noise ±{1}%, swing period {2} s")
    @CsvSource({"560000, 10, 0", "560000, 25, 0", "1050000, 20, 0", "1700000, 15, 0", "700000, 40, 0",
        "600000, 5, 10", "1000000, 10, 20", "1600000, 5, 7"})
    void aSteadyButNoisyEstimateChangesLayersAtMostOncePer30Seconds(long mean, int noisePercent, int swingSeconds) {
        LayeredConsumerStub audio = LayeredConsumerStub.audio(40_000, clock::monotonicMillis);
        allocator.add(audio);
        LayeredConsumerStub video = simulcast();
        Random random = new Random(mean + noisePercent);
        long start = clock.monotonicMillis();
        int naiveChanges = 0;
        long naiveBitrate = -1;
        for (int i = 0; i < 6_000; i++) {
            double swing = swingSeconds == 0 ? 0 : 0.2 * Math.sin(2 * Math.PI * i / (10.0 * swingSeconds));
            long estimate = (long) (mean * (1 + swing + noisePercent / 100.0 * (2 * random.nextDouble() - 1)));
            allocator.allocate(estimate);
            long fits = highestLayerThatFits(estimate - 40_000);
            if (naiveBitrate >= 0 && fits != naiveBitrate) {
                naiveChanges++;
            }
            naiveBitrate = fits;
            clock.advanceMillis(100);
        }
        List<Long> changes = video.decisions.stream().skip(1).map(decision -> decision.atMillis() - start).toList();
        int worstMinute = 0;
        for (long from : changes) {
            int inMinute = (int) changes.stream().filter(at -> at >= from && at < from + 60_000).count();
            worstMinute = Math.max(worstMinute, inMinute);
        }
        System.out.printf("allocator: estimate %d ±%d%% (swing period %d s) for 10 min: %d layer changes (at most %d in"
                + " a minute), highest-that-fits would change %d times%n", mean, noisePercent, swingSeconds, changes.size(),
                worstMinute, naiveChanges);
        assertThat(worstMinute).as("layer changes in any 60 s").isLessThanOrEqualTo(2);
        assertThat(changes.size()).as("layer changes in 10 min").isLessThanOrEqualTo(20);
    }

    private static long highestLayerThatFits(long budget) {
        long[] cumulative = {60_000, 100_000, 150_000, 200_000, 350_000, 500_000, 600_000, 1_000_000, 1_500_000};
        long fits = 0;
        for (long bitrate : cumulative) {
            fits = bitrate <= budget ? bitrate : fits;
        }
        return fits;
    }
}
