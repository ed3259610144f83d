package io.sluice.worker.control;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/** A wall clock a test moves by hand. */
final class MutableClock implements InstantSource {

    private Instant now;

    MutableClock(long epochMillis) {
        this.now = Instant.ofEpochMilli(epochMillis);
    }

    void advance(Duration duration) {
        now = now.plus(duration);
    }

    @Override
    public Instant instant() {
        return now;
    }
}
