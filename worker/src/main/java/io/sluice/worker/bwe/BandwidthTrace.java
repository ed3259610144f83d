package io.sluice.worker.bwe;

/**
 * One transport's bandwidth estimation at a moment, as the "bwe" trace event carries it
 * (mediasoup's transport "trace" of type "bwe"): bit/s throughout.
 *
 * @param desiredBitrate what the consumers would take at their preferred layers
 * @param effectiveDesiredBitrate the same within the maximum and the receiver's REMB: probing's target
 * @param allocatedBitrate what the consumers' current layers take
 * @param rembBitrate 0 when the receiver sent none
 */
public record BandwidthTrace(long desiredBitrate, long effectiveDesiredBitrate, long availableBitrate,
        long delayBasedBitrate, long lossBasedBitrate, long rembBitrate, long minBitrate, long maxBitrate,
        long allocatedBitrate, double lossFraction, long rttMillis, ProbeState probeState) {

    public static BandwidthTrace of(SendSideBandwidthEstimator estimator, long allocatedBitrate) {
        return new BandwidthTrace(estimator.desiredBitrate(), estimator.effectiveDesiredBitrate(),
                estimator.availableBitrate(), estimator.delayBasedBitrate(), estimator.lossBasedBitrate(),
                estimator.rembBitrate(), estimator.minBitrate(), estimator.maxBitrate(), allocatedBitrate,
                estimator.lossFraction(), estimator.rttMicros() / 1000, estimator.probeState());
    }
}
