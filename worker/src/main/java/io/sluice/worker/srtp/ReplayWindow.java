package io.sluice.worker.srtp;

/**
 * The receiver's replay list (RFC 3711 §3.3.2) as a 64-packet sliding bitmap behind the highest
 * index authenticated so far: bit k set means index {@code highest - k} was received. Callers
 * {@link #check} before authenticating and {@link #accept} only after the tag verified, so a
 * forged packet never moves the window.
 */
final class ReplayWindow {
    static final int SIZE = 64;

    private long highest = -1;
    private long received;

    /** True when {@code index} is neither a replay nor older than the window. */
    boolean check(long index) {
        if (highest < 0 || index > highest) {
            return true;
        }
        long age = highest - index;
        return age < SIZE && (received & (1L << age)) == 0;
    }

    void accept(long index) {
        if (highest < 0) {
            highest = index;
            received = 1;
        } else if (index > highest) {
            long shift = index - highest;
            received = shift >= SIZE ? 1 : (received << shift) | 1;
            highest = index;
        } else {
            received |= 1L << (highest - index);
        }
    }

    long highest() {
        return highest;
    }
}
