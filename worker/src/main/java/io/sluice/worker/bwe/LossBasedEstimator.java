package io.sluice.worker.bwe;

/**
 * The loss-based controller (draft-ietf-rmcat-gcc-02 §6): over a window of at least
 * {@link #MIN_PACKETS} packets and {@link #MIN_WINDOW_MICROS}, a loss fraction above 10% lowers
 * the rate by half the fraction (As = As(1 - 0.5p)), at most once per round trip plus
 * {@link #DECREASE_INTERVAL_MICROS}; below 2% the rate grows by 8% a second; in between it holds.
 * Loss at random (a lossy wireless hop) below 10% therefore never lowers it: the delay-based
 * controller is the one that sees congestion.
 */
final class LossBasedEstimator {

    static final double HIGH_LOSS = 0.10;
    static final double LOW_LOSS = 0.02;
    private static final int MIN_PACKETS = 20;
    private static final long MIN_WINDOW_MICROS = 250_000;
    private static final long DECREASE_INTERVAL_MICROS = 300_000;
    private static final double INCREASE_PER_SECOND = 1.08;
    private static final long INCREASE_BPS_PER_SECOND = 1_000;

    private long bitrate;
    private int lost;
    private int expected;
    private long windowStartMicros = Long.MIN_VALUE;
    private long lastIncreaseMicros = Long.MIN_VALUE;
    private long lastDecreaseMicros = Long.MIN_VALUE;
    private double lastLossFraction;

    LossBasedEstimator(long initialBitrate) {
        bitrate = initialBitrate;
    }

    /** {@code lostPackets} of {@code expectedPackets} were lost; returns the estimate in bit/s. */
    long onPacketResults(int lostPackets, int expectedPackets, long rttMicros, long nowMicros) {
        if (windowStartMicros == Long.MIN_VALUE) {
            windowStartMicros = nowMicros;
            lastIncreaseMicros = nowMicros;
        }
        lost += lostPackets;
        expected += expectedPackets;
        if (expected < MIN_PACKETS || nowMicros - windowStartMicros < MIN_WINDOW_MICROS) {
            return bitrate;
        }
        lastLossFraction = (double) lost / expected;
        lost = 0;
        expected = 0;
        windowStartMicros = nowMicros;
        if (lastLossFraction < LOW_LOSS) {
            double seconds = Math.min(nowMicros - lastIncreaseMicros, 1_000_000) / 1e6;
            bitrate = (long) (bitrate * Math.pow(INCREASE_PER_SECOND, seconds) + INCREASE_BPS_PER_SECOND * seconds);
            lastIncreaseMicros = nowMicros;
        } else if (lastLossFraction > HIGH_LOSS) {
            if (lastDecreaseMicros == Long.MIN_VALUE || nowMicros - lastDecreaseMicros >= DECREASE_INTERVAL_MICROS + rttMicros) {
                bitrate = (long) (bitrate * (1 - 0.5 * lastLossFraction));
                lastDecreaseMicros = nowMicros;
            }
            lastIncreaseMicros = nowMicros;
        } else {
            lastIncreaseMicros = nowMicros;
        }
        return bitrate;
    }

    /** Caps or raises the estimate from outside: the delay-based and receiver limits, a probe. */
    void setBitrate(long value) {
        bitrate = value;
    }

    long bitrate() {
        return bitrate;
    }

    double lastLossFraction() {
        return lastLossFraction;
    }
}
