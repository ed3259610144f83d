package io.sluice.worker.bwe;

/**
 * The rate at which the receiver got our packets: bytes reported received over the last
 * {@link #WINDOW_MICROS} of arrival time (the receiving rate R_hat of draft-ietf-rmcat-gcc-02
 * §5.5, measured over a 0.5 s window). The rate control multiplies it by beta on over-use and
 * keeps increases near it. A ring of primitives; unknown (0) until {@link #MIN_SPAN_MICROS} of
 * arrivals were seen.
 */
final class AcknowledgedBitrate {

    static final long WINDOW_MICROS = 500_000;
    private static final long MIN_SPAN_MICROS = 150_000;
    private static final int CAPACITY = 1 << 13;
    private static final int MASK = CAPACITY - 1;

    private final long[] arrivalMicros = new long[CAPACITY];
    private final int[] bytes = new int[CAPACITY];
    private int head;
    private int size;
    private long bytesInWindow;
    private long firstArrivalMicros = Long.MIN_VALUE;
    private long latestArrivalMicros = Long.MIN_VALUE;

    void onReceived(long arrival, int packetBytes) {
        if (firstArrivalMicros == Long.MIN_VALUE) {
            firstArrivalMicros = arrival;
        }
        latestArrivalMicros = Math.max(latestArrivalMicros, arrival);
        if (size == CAPACITY) {
            evictOldest();
        }
        int slot = (head + size) & MASK;
        arrivalMicros[slot] = arrival;
        bytes[slot] = packetBytes;
        size++;
        bytesInWindow += packetBytes;
        while (size > 0 && arrivalMicros[head] <= latestArrivalMicros - WINDOW_MICROS) {
            evictOldest();
        }
    }

    private void evictOldest() {
        bytesInWindow -= bytes[head];
        head = (head + 1) & MASK;
        size--;
    }

    /** In bit/s; 0 while unknown. */
    long bitrate() {
        if (size == 0 || latestArrivalMicros - firstArrivalMicros < MIN_SPAN_MICROS) {
            return 0;
        }
        long span = Math.min(WINDOW_MICROS, latestArrivalMicros - firstArrivalMicros);
        if (size == CAPACITY) {
            span = Math.max(1, latestArrivalMicros - arrivalMicros[head]);
        }
        return bytesInWindow * 8 * 1_000_000 / span;
    }
}
