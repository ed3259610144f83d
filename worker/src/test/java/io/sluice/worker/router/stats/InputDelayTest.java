package io.sluice.worker.router.stats;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The wait of each packet beyond its stream's least wait, from arrival times and RTP timestamps alone. */
class InputDelayTest {

    private static final int CLOCK_RATE = 90_000;
    /** 100 packets per second, each 900 timestamp units after the one before. */
    private static final int PERIOD_MS = 10;
    private static final int TICKS = CLOCK_RATE / 100;

    private final InputDelay delay = new InputDelay(CLOCK_RATE);

    @Test
    void aStreamOnTimeHasNoDelayWhateverTheSendersClockOffset() {
        long timestamp = 3_000_000_000L;
        for (int i = 0; i < 200; i++) {
            delay.onPacket(timestamp + (long) i * TICKS, 50_000 + (long) i * PERIOD_MS);
            assertThat(delay.delayMs()).isZero();
        }
    }

    @Test
    void packetsHeldInAQueueShowTheirWait() {
        long timestamp = 1000;
        for (int i = 0; i < 100; i++) {
            delay.onPacket(timestamp + (long) i * TICKS, (long) i * PERIOD_MS);
        }
        // The next 41 packets were read at once, 400 ms after the first of them was due.
        long readAt = 100 * PERIOD_MS + 400;
        for (int i = 100; i <= 140; i++) {
            delay.onPacket(timestamp + (long) i * TICKS, readAt);
            assertThat(delay.delayMs()).isEqualTo(readAt - (long) i * PERIOD_MS);
        }
    }

    @Test
    void aJumpOfTheSendersTimestampsStartsTheBaseAgain() {
        for (int i = 0; i < 100; i++) {
            delay.onPacket(500_000 + (long) i * TICKS, (long) i * PERIOD_MS);
        }
        // The sender restarted with a timestamp 20 s behind: not a 20 s wait.
        long now = 100 * PERIOD_MS;
        delay.onPacket(500_000 - 20L * CLOCK_RATE, now);
        assertThat(delay.delayMs()).isZero();
        delay.onPacket(500_000 - 20L * CLOCK_RATE + TICKS, now + 250);
        assertThat(delay.delayMs()).isEqualTo(240);
    }

    @Test
    void theBaseForgetsALeastWaitOlderThanItsWindow() {
        // One packet 30 ms quicker than all the others: they show 30 ms until it leaves the window.
        delay.onPacket(0, 0);
        long now = PERIOD_MS;
        delay.onPacket(now * CLOCK_RATE / 1000 - 30 * CLOCK_RATE / 1000, now);
        assertThat(delay.delayMs()).isEqualTo(30);
        for (; now <= InputDelay.BASE_WINDOW_MS + 2 * InputDelay.BUCKET_MS; now += PERIOD_MS) {
            delay.onPacket(now * CLOCK_RATE / 1000 - 30 * CLOCK_RATE / 1000, now);
        }
        assertThat(delay.delayMs()).isZero();
    }
}
