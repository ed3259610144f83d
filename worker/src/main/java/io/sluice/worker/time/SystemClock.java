package io.sluice.worker.time;

/** The one place the worker's main code reads the system's clocks. */
enum SystemClock implements Clock {
    INSTANCE;

    @Override
    public long monotonicNanos() {
        return System.nanoTime();
    }

    @Override
    public long epochMillis() {
        return System.currentTimeMillis();
    }
}
