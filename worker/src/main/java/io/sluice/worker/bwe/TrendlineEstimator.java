package io.sluice.worker.bwe;

/**
 * The delay gradient filter: libwebrtc's trendline, which replaced the Kalman filter of
 * draft-ietf-rmcat-gcc-02 §5.3 in Chromium. The one-way delay variation between groups is
 * accumulated, smoothed exponentially, and a least-squares line is fitted through the last
 * {@link #WINDOW} (arrival time, smoothed delay) points; its slope, how fast the bottleneck queue
 * grows, is scaled by the number of samples and a gain into the value the over-use detector
 * compares with its threshold (§5.4's m(i), in ms). A ring of primitives: nothing per sample.
 */
final class TrendlineEstimator {

    static final int WINDOW = 20;
    private static final double SMOOTHING = 0.9;
    private static final double GAIN = 4.0;
    /** The detector's input grows with the samples seen, up to this many. */
    private static final int MAX_SAMPLES_WEIGHT = 60;

    private final double[] arrivalMs = new double[WINDOW];
    private final double[] smoothedDelayMs = new double[WINDOW];
    private int filled;
    private int next;
    private long firstArrivalMicros = Long.MIN_VALUE;
    private double accumulatedDelayMs;
    private double smoothedMs;
    private int samples;
    private double slope;

    /**
     * Adds one group delta; returns the modified trend (0 until the window is full) for
     * {@link OveruseDetector#detect}.
     */
    double update(long sendDeltaMicros, long arrivalDeltaMicros, long arrivalMicros) {
        double delayVariationMs = (arrivalDeltaMicros - sendDeltaMicros) / 1000.0;
        if (firstArrivalMicros == Long.MIN_VALUE) {
            firstArrivalMicros = arrivalMicros;
        }
        samples = Math.min(samples + 1, 1000);
        accumulatedDelayMs += delayVariationMs;
        smoothedMs = SMOOTHING * smoothedMs + (1 - SMOOTHING) * accumulatedDelayMs;
        arrivalMs[next] = (arrivalMicros - firstArrivalMicros) / 1000.0;
        smoothedDelayMs[next] = smoothedMs;
        next = (next + 1) % WINDOW;
        filled = Math.min(filled + 1, WINDOW);
        if (filled == WINDOW) {
            slope = fitSlope();
        }
        return modifiedTrend();
    }

    /** Least squares: sum((x - mean x)(y - mean y)) / sum((x - mean x)^2). */
    private double fitSlope() {
        double meanX = 0;
        double meanY = 0;
        for (int i = 0; i < WINDOW; i++) {
            meanX += arrivalMs[i];
            meanY += smoothedDelayMs[i];
        }
        meanX /= WINDOW;
        meanY /= WINDOW;
        double numerator = 0;
        double denominator = 0;
        for (int i = 0; i < WINDOW; i++) {
            double dx = arrivalMs[i] - meanX;
            numerator += dx * (smoothedDelayMs[i] - meanY);
            denominator += dx * dx;
        }
        return denominator == 0 ? slope : numerator / denominator;
    }

    double modifiedTrend() {
        return Math.min(samples, MAX_SAMPLES_WEIGHT) * slope * GAIN;
    }

    /** The fitted slope: ms of queueing delay gained per ms. */
    double slope() {
        return slope;
    }
}
