package io.sluice.worker.time;

/**
 * Where the worker reads time: a monotonic count of nanoseconds for intervals, timers and arrival
 * times (NACK, RTCP, ICE consent, congestion control), and the wall clock for what leaves the
 * process (event timestamps, NTP times of sender reports, registry entries).
 *
 * <p>Injected everywhere time is read, so that a test can move it by hand
 * ({@code testsupport.TestClock}); the two readings are separate because the monotonic one never
 * jumps when the wall clock is set.
 */
public interface Clock {

    /** Nanoseconds from an arbitrary origin that never goes back. */
    long monotonicNanos();

    /** Milliseconds since the Unix epoch. */
    long epochMillis();

    default long monotonicMicros() {
        return monotonicNanos() / 1_000;
    }

    default long monotonicMillis() {
        return monotonicNanos() / 1_000_000;
    }

    /** {@link System#nanoTime()} and {@link System#currentTimeMillis()}. */
    static Clock system() {
        return SystemClock.INSTANCE;
    }
}
