package io.sluice.worker.testsupport;

import io.sluice.worker.time.Clock;

import java.time.Duration;

/**
 * A clock that moves only when the test says so. Both readings move together: the monotonic one
 * starts at an arbitrary origin, the wall clock at a fixed date, so results repeat run after run.
 */
public final class TestClock implements Clock {

    /** 2023-11-14T22:13:20Z. */
    public static final long DEFAULT_EPOCH_MILLIS = 1_700_000_000_000L;

    private long monotonicNanos;
    private long epochMillis;

    /** Monotonic time at 1 000 000 ms, wall time at {@link #DEFAULT_EPOCH_MILLIS}. */
    public TestClock() {
        this(1_000_000, DEFAULT_EPOCH_MILLIS);
    }

    public TestClock(long monotonicMillis, long epochMillis) {
        this.monotonicNanos = monotonicMillis * 1_000_000;
        this.epochMillis = epochMillis;
    }

    /** Moves both readings on by {@code millis}; returns the new monotonic milliseconds. */
    public long advanceMillis(long millis) {
        return advance(Duration.ofMillis(millis));
    }

    /** Moves both readings on by {@code duration}; returns the new monotonic milliseconds. */
    public long advance(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("a clock does not go back: " + duration);
        }
        monotonicNanos += duration.toNanos();
        epochMillis += duration.toMillis();
        return monotonicMillis();
    }

    /**
     * Moves both readings on by {@code micros} without allocating (for loops that measure
     * allocation); the wall clock keeps whole milliseconds. Returns the new monotonic microseconds.
     */
    public long advanceMicros(long micros) {
        if (micros < 0) {
            throw new IllegalArgumentException("a clock does not go back: " + micros + " us");
        }
        long before = monotonicNanos / 1_000_000;
        monotonicNanos += micros * 1_000;
        epochMillis += monotonicNanos / 1_000_000 - before;
        return monotonicNanos / 1_000;
    }

    /** Moves both readings on until the monotonic one reads {@code millis}. */
    public void advanceToMillis(long millis) {
        advanceMillis(millis - monotonicMillis());
    }

    @Override
    public long monotonicNanos() {
        return monotonicNanos;
    }

    @Override
    public long epochMillis() {
        return epochMillis;
    }
}
