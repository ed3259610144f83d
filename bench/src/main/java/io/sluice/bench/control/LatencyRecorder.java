package io.sluice.bench.control;

import java.util.Arrays;

/** Round-trip times of one benchmark phase, in nanoseconds, with their percentiles. */
final class LatencyRecorder {

    private final long[] samples;
    private int count;

    LatencyRecorder(int capacity) {
        samples = new long[capacity];
    }

    synchronized void record(long nanos) {
        if (count < samples.length) {
            samples[count++] = nanos;
        }
    }

    synchronized int count() {
        return count;
    }

    /** The nearest-rank percentile, in microseconds. */
    synchronized double percentileMicros(double percentile) {
        if (count == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(samples, count);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(percentile / 100.0 * count);
        return sorted[Math.max(0, Math.min(count - 1, rank - 1))] / 1_000.0;
    }

    synchronized String summary() {
        return String.format("n=%d p50=%.0f us p90=%.0f us p99=%.0f us p99.9=%.0f us max=%.0f us", count,
                percentileMicros(50), percentileMicros(90), percentileMicros(99), percentileMicros(99.9),
                percentileMicros(100));
    }
}
