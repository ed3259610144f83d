package io.sluice.worker.control;

import io.sluice.worker.time.Clock;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.function.LongSupplier;

/**
 * How busy one event loop is: the CPU time of the loop's thread (tasks and I/O; waiting in
 * epoll costs none) and its share of wall time between two samples. Sampled on the loop itself
 * once per heartbeat; the CPU reading and the clock are injected so that the arithmetic is testable.
 */
public final class LoopLoadMeter {

    private final LongSupplier cpuNanos;
    private final Clock clock;
    private boolean sampled;
    private long lastCpuNanos;
    private long lastWallNanos;
    private double utilization;

    public LoopLoadMeter(LongSupplier cpuNanos, Clock clock) {
        this.cpuNanos = cpuNanos;
        this.clock = clock;
    }

    /** A meter of the thread that calls it: create it anywhere, call it only on the loop. */
    public static LoopLoadMeter ofCallingThread(Clock clock) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        if (!threads.isCurrentThreadCpuTimeSupported()) {
            return new LoopLoadMeter(() -> 0L, clock);
        }
        return new LoopLoadMeter(threads::getCurrentThreadCpuTime, clock);
    }

    /** Ends an interval: utilization becomes the busy share of the time since the last sample. */
    public void sample() {
        long cpu = cpuNanos.getAsLong();
        long wall = clock.monotonicNanos();
        if (sampled && wall > lastWallNanos) {
            double share = (double) (cpu - lastCpuNanos) / (wall - lastWallNanos);
            utilization = Math.max(0.0, Math.min(1.0, share));
        }
        sampled = true;
        lastCpuNanos = cpu;
        lastWallNanos = wall;
    }

    /** CPU time the loop thread has used since it started, in milliseconds. */
    public long cpuTimeMs() {
        return cpuNanos.getAsLong() / 1_000_000;
    }

    /** Busy share (0..1) over the last completed interval; 0 before the second sample. */
    public double utilization() {
        return utilization;
    }
}
