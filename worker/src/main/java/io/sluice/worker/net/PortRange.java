package io.sluice.worker.net;

import java.util.concurrent.ThreadLocalRandom;

/**
 * An inclusive range of ports to bind RTC sockets in (RTC_MIN_PORT..RTC_MAX_PORT, or a listen
 * info's own range). Binding picks a random start and walks the range, so that workers of one host
 * rarely race for the same port; the operating system is the only authority on what is free.
 */
public record PortRange(int min, int max) {

    public PortRange {
        if (min < 1 || max > 65535 || min > max) {
            throw new IllegalArgumentException("invalid port range " + min + "-" + max);
        }
    }

    public int size() {
        return max - min + 1;
    }

    /** The i-th candidate port of one binding attempt that started at {@code start}. */
    public int candidate(int start, int i) {
        return min + Math.floorMod(start - min + i, size());
    }

    public int randomStart() {
        return min + ThreadLocalRandom.current().nextInt(size());
    }
}
