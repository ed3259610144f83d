package io.sluice.worker.bwe;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.worker.testsupport.TestClock;
import org.junit.jupiter.api.Test;

/**
 * The probe controller's timing on a monotonic clock whose origin is arbitrary
 * ({@link io.sluice.worker.time.Clock}: {@code System.nanoTime()} may be negative): an unset time
 * ("never") must count as long ago, and a negative "now" must work as any other.
 */
class ProbeControllerTest {

    @Test
    void neverCountsAsLongAgoWhateverTheClockReads() {
        for (long now : new long[] {0, 1, 1_000_000_000L, Long.MAX_VALUE / 1000, -1, -5_000_000_000L, Long.MIN_VALUE / 1000}) {
            assertThat(ProbeController.atLeastSince(ProbeController.NEVER, now, ProbeController.PERIODIC_INTERVAL_MICROS))
                    .as("never, now %d", now).isTrue();
            assertThat(ProbeController.atLeastSince(now, now, ProbeController.PERIODIC_INTERVAL_MICROS))
                    .as("just now, now %d", now).isFalse();
            assertThat(ProbeController.atLeastSince(now - ProbeController.PERIODIC_INTERVAL_MICROS, now,
                    ProbeController.PERIODIC_INTERVAL_MICROS)).as("an interval ago, now %d", now).isTrue();
        }
    }

    /** {@code now - Long.MIN_VALUE} overflows for any now >= 0: the periodic probe must still come. */
    @Test
    void periodicProbeComesWhenNoDecreaseWasEverSeen() {
        BitrateProber prober = new BitrateProber();
        ProbeController controller = new ProbeController();
        long now = 0;
        controller.process(300_000, 2_000_000, ProbeController.NEVER, true, now, prober);
        assertThat(controller.state()).isEqualTo(ProbeState.WAITING_FOR_RESULT);
        now += 2_000_000;
        controller.process(300_000, 2_000_000, ProbeController.NEVER, true, now, prober);
        assertThat(controller.state()).as("the unanswered cluster timed out").isEqualTo(ProbeState.IDLE);
        now += ProbeController.PERIODIC_INTERVAL_MICROS;
        controller.process(300_000, 2_000_000, ProbeController.NEVER, true, now, prober);
        assertThat(controller.state()).as("periodic probe while app-limited").isEqualTo(ProbeState.WAITING_FOR_RESULT);
    }

    /**
     * A consumer's top layer appears: the desired bitrate triples while the sender fills most of
     * the estimate with its current layers (not application-limited), so only a probe on the rise
     * can find the capacity for the new layer.
     */
    @Test
    void aRiseOfTheDesiredBitrateIsProbedEvenWhenNotAppLimited() {
        BitrateProber prober = new BitrateProber();
        ProbeController controller = new ProbeController();
        long now = 0;
        controller.process(600_000, 700_000, ProbeController.NEVER, false, now, prober);
        now += 2_000_000;
        controller.process(700_000, 700_000, ProbeController.NEVER, false, now, prober);
        assertThat(controller.state()).as("the estimate covers the desired bitrate").isEqualTo(ProbeState.IDLE);

        now += 1_000_000;
        controller.process(700_000, 750_000, ProbeController.NEVER, false, now, prober);
        assertThat(controller.state()).as("a small rise is noise").isEqualTo(ProbeState.IDLE);
        controller.process(700_000, 2_200_000, ProbeController.NEVER, false, now, prober);
        assertThat(controller.state()).as("the new top layer is probed for").isEqualTo(ProbeState.WAITING_FOR_RESULT);
        now += 2_000_000;
        controller.process(700_000, 2_200_000, ProbeController.NEVER, false, now, prober);
        assertThat(controller.state()).as("not again for the same desired bitrate").isEqualTo(ProbeState.IDLE);
    }

    /**
     * The same initial probing as on any clock, on a clock whose monotonic reading is negative
     * (the send-rate meter that gates periodic probes indexed its ring with a negative bucket).
     */
    @Test
    void draftGcc02_section5_probingWorksOnAClockWithANegativeOrigin() {
        BweSimulation simulation = new BweSimulation(new TestClock(-7_777_777, TestClock.DEFAULT_EPOCH_MILLIS),
                300_000, 2_000_000, 20_000, 5).mediaRate(estimate -> Math.min(estimate, 300_000));
        simulation.estimator.setDesiredBitrate(1_600_000);
        simulation.run(3_000);

        assertThat(simulation.clock.monotonicMillis()).isNegative();
        assertThat(simulation.estimator.availableBitrate()).isGreaterThanOrEqualTo(1_500_000);
        assertThat(simulation.paddingBytesSent()).isPositive();
    }
}
