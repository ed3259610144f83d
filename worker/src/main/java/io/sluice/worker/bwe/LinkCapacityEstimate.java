package io.sluice.worker.bwe;

/**
 * What the link carried when it was last over-used: an exponential average of the receiving rate
 * at each over-use and its normalized variance (draft-ietf-rmcat-gcc-02 §5.5: "the average and
 * standard deviation of the receive rate at over-use"). Near this capacity the rate control
 * increases additively instead of multiplicatively; a rate far outside three deviations means the
 * link changed, and the estimate starts over.
 */
final class LinkCapacityEstimate {

    private static final double ALPHA = 0.05;
    private static final double MIN_VARIANCE = 0.4;
    private static final double MAX_VARIANCE = 2.5;

    private double kbps = -1;
    private double normalizedVariance = MIN_VARIANCE;

    void onOveruse(long ackedBitrate) {
        double sampleKbps = ackedBitrate / 1000.0;
        if (kbps < 0) {
            kbps = sampleKbps;
        } else {
            kbps = (1 - ALPHA) * kbps + ALPHA * sampleKbps;
        }
        double error = kbps - sampleKbps;
        normalizedVariance = (1 - ALPHA) * normalizedVariance + ALPHA * error * error / Math.max(kbps, 1);
        normalizedVariance = Math.max(MIN_VARIANCE, Math.min(MAX_VARIANCE, normalizedVariance));
    }

    void reset() {
        kbps = -1;
    }

    boolean known() {
        return kbps >= 0;
    }

    long upperBound() {
        return (long) ((kbps + 3 * deviationKbps()) * 1000);
    }

    long lowerBound() {
        return (long) (Math.max(0, kbps - 3 * deviationKbps()) * 1000);
    }

    long bitrate() {
        return (long) (kbps * 1000);
    }

    private double deviationKbps() {
        return Math.sqrt(normalizedVariance * kbps);
    }
}
