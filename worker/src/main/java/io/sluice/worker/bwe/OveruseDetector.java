package io.sluice.worker.bwe;

/**
 * The over-use detector with its adaptive threshold (draft-ietf-rmcat-gcc-02 §5.4): the delay
 * gradient m(i) is compared with a threshold gamma(i); over-use is signalled only when m stays
 * above it for {@link #OVERUSE_TIME_MS} and more than one sample and is not falling. Gamma follows
 * |m| (§5.4, equation for del_var_th): quickly down with {@link #K_DOWN}, slowly up with
 * {@link #K_UP}, so that the detector is not starved by a concurrent TCP flow filling the queue,
 * and is not moved by spikes above it by more than {@link #MAX_ADAPT_OFFSET_MS}.
 */
final class OveruseDetector {

    static final double INITIAL_THRESHOLD_MS = 12.5;
    private static final double K_UP = 0.0087;
    private static final double K_DOWN = 0.039;
    private static final double MIN_THRESHOLD_MS = 6;
    private static final double MAX_THRESHOLD_MS = 600;
    private static final double MAX_ADAPT_OFFSET_MS = 15;
    private static final double OVERUSE_TIME_MS = 10;
    private static final long MAX_TIME_DELTA_MS = 100;

    private double thresholdMs = INITIAL_THRESHOLD_MS;
    private long lastUpdateMs = Long.MIN_VALUE;
    private double timeOverUsingMs = -1;
    private int overuseCount;
    private double previousTrend;
    private BandwidthUsage state = BandwidthUsage.NORMAL;

    /**
     * @param modifiedTrend m(i) from {@link TrendlineEstimator#update}
     * @param sendDeltaMs the send time difference of the groups compared, for the time over threshold
     */
    BandwidthUsage detect(double modifiedTrend, double sendDeltaMs, long nowMs) {
        if (modifiedTrend > thresholdMs) {
            timeOverUsingMs = timeOverUsingMs < 0 ? sendDeltaMs / 2 : timeOverUsingMs + sendDeltaMs;
            overuseCount++;
            if (timeOverUsingMs > OVERUSE_TIME_MS && overuseCount > 1 && modifiedTrend >= previousTrend) {
                timeOverUsingMs = 0;
                overuseCount = 0;
                state = BandwidthUsage.OVERUSING;
            }
        } else if (modifiedTrend < -thresholdMs) {
            timeOverUsingMs = -1;
            overuseCount = 0;
            state = BandwidthUsage.UNDERUSING;
        } else {
            timeOverUsingMs = -1;
            overuseCount = 0;
            state = BandwidthUsage.NORMAL;
        }
        previousTrend = modifiedTrend;
        adaptThreshold(modifiedTrend, nowMs);
        return state;
    }

    private void adaptThreshold(double modifiedTrend, long nowMs) {
        if (lastUpdateMs == Long.MIN_VALUE) {
            lastUpdateMs = nowMs;
        }
        double magnitude = Math.abs(modifiedTrend);
        if (magnitude > thresholdMs + MAX_ADAPT_OFFSET_MS) {
            lastUpdateMs = nowMs;
            return;
        }
        double k = magnitude < thresholdMs ? K_DOWN : K_UP;
        long elapsedMs = Math.min(nowMs - lastUpdateMs, MAX_TIME_DELTA_MS);
        thresholdMs += k * (magnitude - thresholdMs) * elapsedMs;
        thresholdMs = Math.max(MIN_THRESHOLD_MS, Math.min(MAX_THRESHOLD_MS, thresholdMs));
        lastUpdateMs = nowMs;
    }

    BandwidthUsage state() {
        return state;
    }

    double thresholdMs() {
        return thresholdMs;
    }
}
