package io.sluice.worker.router.stats;

/**
 * Bytes counted into fixed time slots of a ring, read back as bits per second over the last
 * window (mediasoup's RateCalculator keeps the same shape). No allocation after construction.
 */
public final class RateCalculator {

    public static final int DEFAULT_WINDOW_MS = 1000;
    private static final int SLOTS = 10;

    private final long slotMs;
    private final long windowMs;
    private final long[] bytes = new long[SLOTS];
    /** The slot number (time / slotMs) each ring entry currently counts; Long.MIN_VALUE when empty. */
    private final long[] slotNumbers = new long[SLOTS];

    public RateCalculator() {
        this(DEFAULT_WINDOW_MS);
    }

    public RateCalculator(int windowMs) {
        if (windowMs < SLOTS) {
            throw new IllegalArgumentException("window too short: " + windowMs);
        }
        this.slotMs = windowMs / SLOTS;
        this.windowMs = slotMs * SLOTS;
        java.util.Arrays.fill(slotNumbers, Long.MIN_VALUE);
    }

    public void add(int byteCount, long nowMs) {
        long slot = Math.floorDiv(nowMs, slotMs);
        int index = (int) Math.floorMod(slot, SLOTS);
        if (slotNumbers[index] != slot) {
            slotNumbers[index] = slot;
            bytes[index] = 0;
        }
        bytes[index] += byteCount;
    }

    /** Bits per second over the window that ends with the current slot. */
    public long bitsPerSecond(long nowMs) {
        long current = Math.floorDiv(nowMs, slotMs);
        long total = 0;
        for (int i = 0; i < SLOTS; i++) {
            long age = current - slotNumbers[i];
            if (slotNumbers[i] != Long.MIN_VALUE && age >= 0 && age < SLOTS) {
                total += bytes[i];
            }
        }
        return total * 8 * 1000 / windowMs;
    }
}
