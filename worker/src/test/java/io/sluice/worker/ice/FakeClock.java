package io.sluice.worker.ice;

import java.util.function.LongSupplier;

/** Milliseconds that move only when a test says so. */
final class FakeClock implements LongSupplier {

    private long nowMillis = 1_000_000;

    @Override
    public long getAsLong() {
        return nowMillis;
    }

    long advance(long millis) {
        nowMillis += millis;
        return nowMillis;
    }
}
