package io.sluice.worker.bwe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.LongSummaryStatistics;
import org.junit.jupiter.api.Test;

/**
 * The estimator against a simulated bottleneck ({@link BweSimulation}): delays and losses come
 * from the link's queue, feedback from the worker's own transport-cc server, time from the test
 * clock. Figures are printed for docs/benchmarks.md.
 */
class SendSideBandwidthEstimatorTest {

    private static final long PROPAGATION_MICROS = 25_000;

    /** Samples of the estimate, every 100 ms of simulated time. */
    private static final class Samples {
        final List<long[]> points = new ArrayList<>();

        void add(long nowMillis, long estimate) {
            points.add(new long[] {nowMillis, estimate});
        }

        LongSummaryStatistics statistics() {
            return points.stream().mapToLong(point -> point[1]).summaryStatistics();
        }

        double relativeStandardDeviation() {
            double mean = statistics().getAverage();
            double variance = points.stream().mapToDouble(point -> (point[1] - mean) * (point[1] - mean)).average().orElse(0);
            return Math.sqrt(variance) / mean;
        }

        /** Milliseconds from {@code startMillis} to the first sample meeting the condition, -1 if none. */
        long firstTime(long startMillis, java.util.function.LongPredicate condition) {
            return points.stream().filter(point -> condition.test(point[1])).mapToLong(point -> point[0] - startMillis)
                    .findFirst().orElse(-1);
        }
    }

    private static BweSimulation greedySender(long capacity, long seed) {
        BweSimulation simulation = new BweSimulation(600_000, capacity, PROPAGATION_MICROS, seed);
        simulation.estimator.setDesiredBitrate(3_000_000);
        return simulation;
    }

    @Test
    void draftGcc02_section5_capacityStepDownTo400kbpsIsFollowedWithinTwoSeconds() {
        BweSimulation simulation = greedySender(2_000_000, 1);
        simulation.run(20_000);
        assertThat(simulation.estimator.availableBitrate()).as("estimate on the 2 Mbit/s link").isGreaterThan(1_500_000);

        simulation.link.setCapacity(400_000);
        long stepMillis = simulation.clock.monotonicMillis();
        Samples after = new Samples();
        simulation.run(5_000, after::add);

        long reaction = after.firstTime(stepMillis, estimate -> estimate < 400_000);
        System.out.printf("bwe: capacity 2 Mbit/s -> 400 kbit/s: estimate under 400 kbit/s after %d ms%n", reaction);
        assertThat(reaction).as("ms until the estimate is under the new capacity").isBetween(0L, 2_000L);
    }

    @Test
    void draftGcc02_section5_steadyCapacityKeepsTheEstimateWithin15PercentWithoutOscillation() {
        long capacity = 1_000_000;
        BweSimulation simulation = greedySender(capacity, 2);
        simulation.run(15_000);
        Samples steady = new Samples();
        simulation.run(60_000, steady::add);

        LongSummaryStatistics statistics = steady.statistics();
        System.out.printf("bwe: steady 1 Mbit/s for 60 s: estimate min %d, mean %.0f, max %d, relative sd %.3f%n",
                statistics.getMin(), statistics.getAverage(), statistics.getMax(), steady.relativeStandardDeviation());
        assertThat(statistics.getMin()).as("lowest estimate").isGreaterThanOrEqualTo((long) (0.85 * capacity));
        assertThat(statistics.getMax()).as("highest estimate").isLessThanOrEqualTo((long) (1.15 * capacity));
        assertThat(steady.relativeStandardDeviation()).as("swing of the estimate around its mean").isLessThan(0.06);
    }

    @Test
    void draftGcc02_section6_randomLossOfTwoPercentWithoutCongestionDoesNotCollapseTheEstimate() {
        long capacity = 2_000_000;
        BweSimulation simulation = greedySender(capacity, 3);
        simulation.link.setRandomLoss(0.02);
        simulation.run(15_000);
        Samples lossy = new Samples();
        simulation.run(60_000, lossy::add);

        LongSummaryStatistics statistics = lossy.statistics();
        System.out.printf("bwe: 2 Mbit/s with 2%% random loss for 60 s: estimate min %d, mean %.0f, max %d, loss %.3f%n",
                statistics.getMin(), statistics.getAverage(), statistics.getMax(), simulation.estimator.lossFraction());
        assertThat(statistics.getMin()).as("lowest estimate").isGreaterThanOrEqualTo((long) (0.8 * capacity));
        assertThat(statistics.getAverage()).as("mean estimate").isGreaterThan(0.85 * capacity);
    }

    /**
     * The sender of an SFU: it forwards the highest of a few simulcast layers that fits in 90% of
     * the estimate, so it leaves part of the estimate unused (application-limited) and only probing
     * can show that the link carries more.
     */
    private static BweSimulation layeredSender(long capacity, long seed) {
        long[] layers = {100_000, 300_000, 700_000, 1_400_000};
        BweSimulation simulation = new BweSimulation(600_000, capacity, PROPAGATION_MICROS, seed).mediaRate(estimate -> {
            long chosen = layers[0];
            for (long layer : layers) {
                if (layer <= 0.9 * estimate) {
                    chosen = layer;
                }
            }
            return chosen;
        });
        simulation.estimator.setDesiredBitrate(1_600_000);
        return simulation;
    }

    @Test
    void draftGcc02_section5_capacityRestoredBringsTheEstimateBackWithinTenSeconds() {
        BweSimulation simulation = layeredSender(2_000_000, 4);
        simulation.run(15_000);
        assertThat(simulation.estimator.availableBitrate()).as("estimate on the 2 Mbit/s link").isGreaterThan(1_500_000);
        simulation.link.setCapacity(400_000);
        simulation.run(20_000);
        assertThat(simulation.estimator.availableBitrate()).as("estimate on the 400 kbit/s link, sending its 300 kbit/s"
                + " layer (above what arrives: the 700 kbit/s layer must not fit)").isLessThan(700_000);

        simulation.link.setCapacity(2_000_000);
        long restoredMillis = simulation.clock.monotonicMillis();
        long clustersBefore = simulation.estimator.prober().clustersSent();
        Samples after = new Samples();
        simulation.run(15_000, after::add);

        long recovery = after.firstTime(restoredMillis, estimate -> estimate >= 1_500_000);
        System.out.printf("bwe: capacity 400 kbit/s -> 2 Mbit/s, layered sender: estimate back at 1.5 Mbit/s after %d ms"
                + " (%d probe clusters)%n", recovery, simulation.estimator.prober().clustersSent() - clustersBefore);
        assertThat(recovery).as("ms until the estimate is back near the desired bitrate").isBetween(0L, 10_000L);
    }

    @Test
    void draftGcc02_section5_capacityStepDownIsFollowedByALayeredSenderToo() {
        BweSimulation simulation = layeredSender(2_000_000, 9);
        simulation.run(15_000);
        simulation.link.setCapacity(400_000);
        long stepMillis = simulation.clock.monotonicMillis();
        Samples after = new Samples();
        simulation.run(5_000, after::add);

        long reaction = after.firstTime(stepMillis, estimate -> estimate < 400_000);
        System.out.printf("bwe: capacity 2 Mbit/s -> 400 kbit/s, layered sender: estimate under it after %d ms%n", reaction);
        assertThat(reaction).isBetween(0L, 2_000L);
    }

    @Test
    void draftGcc02_section5_initialProbesFindTheCapacityOfAnAppLimitedSender() {
        BweSimulation simulation = new BweSimulation(300_000, 2_000_000, PROPAGATION_MICROS, 5)
                .mediaRate(estimate -> Math.min(estimate, 300_000));
        simulation.estimator.setDesiredBitrate(1_600_000);
        Samples start = new Samples();
        simulation.run(3_000, start::add);

        long found = start.firstTime(simulation.clock.monotonicMillis() - 3_000, estimate -> estimate >= 1_500_000);
        System.out.printf("bwe: app-limited at 300 kbit/s, desired 1.6 Mbit/s: estimate at 1.5 Mbit/s after %d ms%n", found);
        assertThat(found).as("ms until probing found the desired bitrate").isBetween(0L, 1_500L);
        assertThat(simulation.estimator.probeState()).isEqualTo(ProbeState.IDLE);
        assertThat(simulation.paddingBytesSent()).as("padding sent").isPositive();
    }

    @Test
    void draftGcc02_section5_probesThroughAShapersBurstMeasureTheLinkNotTheBucket() {
        // tc HTB at 400 kbit/s with a 1,600-byte burst, as the browser test shapes a viewer: the
        // first bytes of every cluster pass at once; the sender is app-limited at 150 kbit/s and
        // wants 2.5 Mbit/s, so it probes all along.
        BweSimulation simulation = new BweSimulation(300_000, 400_000, PROPAGATION_MICROS, 7)
                .mediaRate(estimate -> Math.min(estimate, 150_000));
        simulation.link.setBurst(1_600);
        simulation.estimator.setDesiredBitrate(2_500_000);
        Samples samples = new Samples();
        simulation.run(30_000, samples::add);

        long highest = samples.statistics().getMax();
        System.out.printf("bwe: app-limited at 150 kbit/s behind a 400 kbit/s shaper with a 1,600-byte burst: highest"
                + " estimate %d bit/s over 30 s (%d probe clusters)%n", highest, simulation.estimator.prober().clustersSent());
        assertThat(simulation.estimator.prober().clustersSent()).as("probe clusters sent").isGreaterThan(3);
        assertThat(highest).as("highest estimate, bit/s").isLessThanOrEqualTo(500_000);
    }

    @Test
    void draftGcc02_section5_noProbingOnceTheEstimateCoversTheDesiredBitrate() {
        BweSimulation simulation = new BweSimulation(1_000_000, 5_000_000, PROPAGATION_MICROS, 6)
                .mediaRate(estimate -> Math.min(estimate, 500_000));
        simulation.estimator.setDesiredBitrate(500_000);
        simulation.run(20_000);

        assertThat(simulation.paddingBytesSent()).isZero();
        assertThat(simulation.estimator.probeState()).isEqualTo(ProbeState.INITIAL);
        assertThat(simulation.estimator.availableBitrate()).isGreaterThanOrEqualTo(500_000);
    }

    @Test
    void draftAlvestrandRemb_section2_2_rembIsAnUpperLimit() {
        BweSimulation simulation = greedySender(2_000_000, 7);
        simulation.estimator.onRemb(700_000);
        Samples samples = new Samples();
        simulation.run(10_000, samples::add);

        assertThat(samples.statistics().getMax()).isLessThanOrEqualTo(700_000);
        assertThat(simulation.estimator.availableBitrate()).isGreaterThan(600_000);
        assertThat(simulation.estimator.effectiveDesiredBitrate()).isEqualTo(700_000);
    }

    @Test
    void maxAndMinOutgoingBitrateCapAndFloorTheEstimate() {
        BweSimulation simulation = greedySender(2_000_000, 8);
        simulation.estimator.setMaxBitrate(800_000);
        Samples capped = new Samples();
        simulation.run(10_000, capped::add);
        assertThat(capped.statistics().getMax()).isLessThanOrEqualTo(800_000);
        assertThat(simulation.estimator.availableBitrate()).isGreaterThan(700_000);

        simulation.estimator.setMaxBitrate(5_000_000);
        simulation.estimator.setMinBitrate(1_000_000);
        simulation.link.setCapacity(300_000);
        Samples floored = new Samples();
        simulation.run(5_000, floored::add);
        assertThat(floored.statistics().getMin()).isGreaterThanOrEqualTo(1_000_000);
    }

    @Test
    void draftGcc02_section6_receiverWithOnlyRembAndReceiverReportsIsServedByLoss() {
        io.sluice.worker.testsupport.TestClock clock = new io.sluice.worker.testsupport.TestClock();
        SendSideBandwidthEstimator estimator = new SendSideBandwidthEstimator(clock, 600_000, 30_000, 10_000_000);
        estimator.onRemb(2_000_000);
        for (int i = 0; i < 10; i++) {
            clock.advanceMillis(1_000);
            estimator.onLossReport(0, 100);
        }
        long grown = estimator.availableBitrate();
        assertThat(grown).as("8%% a second without loss, under the REMB").isBetween(1_000_000L, 2_000_000L);

        clock.advanceMillis(1_000);
        estimator.onLossReport(30, 100);
        assertThat(estimator.availableBitrate()).as("30%% loss: As(1 - 0.5p)").isEqualTo((long) (grown * 0.85));
        clock.advanceMillis(1_000);
        estimator.onLossReport(5, 100);
        assertThat(estimator.availableBitrate()).as("5%% loss holds").isEqualTo((long) (grown * 0.85));
    }

    @Test
    void rejectsLimitsThatMakeNoSense() {
        io.sluice.worker.testsupport.TestClock clock = new io.sluice.worker.testsupport.TestClock();
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> new SendSideBandwidthEstimator(clock, 600_000, 2_000_000, 1_000_000));
        SendSideBandwidthEstimator estimator = new SendSideBandwidthEstimator(clock, 600_000, 30_000, 1_000_000);
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException().isThrownBy(() -> estimator.setMinBitrate(0));
    }
}
