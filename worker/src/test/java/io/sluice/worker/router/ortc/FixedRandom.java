package io.sluice.worker.router.ortc;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.random.RandomGenerator;

/** A RandomGenerator that returns preset values from nextLong(origin, bound), for fixed SSRCs. */
final class FixedRandom implements RandomGenerator {

    private final Deque<Long> values = new ArrayDeque<>();

    FixedRandom(long... values) {
        for (long value : values) {
            this.values.add(value);
        }
    }

    @Override
    public long nextLong() {
        throw new UnsupportedOperationException("only bounded draws are preset");
    }

    @Override
    public long nextLong(long origin, long bound) {
        long value = values.remove();
        if (value < origin || value >= bound) {
            throw new AssertionError(value + " outside [" + origin + ", " + bound + ")");
        }
        return value;
    }
}
