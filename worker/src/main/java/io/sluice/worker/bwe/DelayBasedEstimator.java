package io.sluice.worker.bwe;

/**
 * The delay-based half of GoogCC (draft-ietf-rmcat-gcc-02 §5): per feedback, each received packet
 * goes through the burst grouping ({@link InterArrival}), the delay gradient filter
 * ({@link TrendlineEstimator}) and the over-use detector ({@link OveruseDetector}); the detector's
 * last signal then drives the rate controller ({@link AimdRateControl}) once.
 */
final class DelayBasedEstimator {

    private final InterArrival interArrival = new InterArrival();
    private final TrendlineEstimator trendline = new TrendlineEstimator();
    private final OveruseDetector detector = new OveruseDetector();
    private final AcknowledgedBitrate acknowledged = new AcknowledgedBitrate();
    private final AimdRateControl rateControl;
    private long lastDecreaseMicros = Long.MIN_VALUE;
    private BandwidthUsage previousUsage = BandwidthUsage.NORMAL;

    DelayBasedEstimator(long initialBitrate, long minBitrate, long maxBitrate) {
        rateControl = new AimdRateControl(initialBitrate, minBitrate, maxBitrate);
    }

    /**
     * Feeds the results of one feedback packet; {@code probeResult} (bit/s, 0 for none) is a
     * probe cluster's measured rate, taken when it is above the estimate and the link is not
     * over-used. Returns the estimate.
     */
    long onFeedback(TransportFeedbackAdapter results, long probeResult, long nowMicros) {
        for (int i = 0; i < results.count(); i++) {
            long arrival = results.arrivalMicros(i);
            if (arrival == TransportFeedbackAdapter.LOST) {
                continue;
            }
            acknowledged.onReceived(arrival, results.size(i));
            if (interArrival.onPacket(results.sendMicros(i), arrival, results.size(i))) {
                double trend = trendline.update(interArrival.sendDeltaMicros(), interArrival.arrivalDeltaMicros(), arrival);
                detector.detect(trend, interArrival.sendDeltaMicros() / 1000.0, arrival / 1000);
            }
        }
        BandwidthUsage usage = detector.state();
        long acked = acknowledged.bitrate();
        if (usage != BandwidthUsage.OVERUSING && probeResult > rateControl.bitrate()) {
            rateControl.setEstimate(probeResult, nowMicros);
        } else if (usage == BandwidthUsage.OVERUSING) {
            if (previousUsage != BandwidthUsage.OVERUSING || rateControl.timeToReduceFurther(nowMicros, acked)) {
                long before = rateControl.bitrate();
                if (rateControl.update(usage, acked, nowMicros) < before) {
                    lastDecreaseMicros = nowMicros;
                }
            }
        } else {
            rateControl.update(usage, acked, nowMicros);
        }
        previousUsage = usage;
        return rateControl.bitrate();
    }

    void setLimits(long min, long max) {
        rateControl.setLimits(min, max);
    }

    void setRttMicros(long rtt) {
        rateControl.setRttMicros(rtt);
    }

    long bitrate() {
        return rateControl.bitrate();
    }

    long acknowledgedBitrate() {
        return acknowledged.bitrate();
    }

    BandwidthUsage usage() {
        return detector.state();
    }

    /** When over-use last lowered the estimate, {@link Long#MIN_VALUE} if never. */
    long lastDecreaseMicros() {
        return lastDecreaseMicros;
    }
}
