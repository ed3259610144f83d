package io.sluice.worker.router;

import io.netty.util.concurrent.EventExecutor;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * What the fan-out of one event loop needs to know of an overload: whether packets that waited
 * too long before the loop read them are dropped instead of forwarded, and how long is too long.
 * A packet that queued behind a loop over budget is dropped before the fan-out, where it would
 * cost the most (one copy, rewrite and encryption per consumer): reading and dropping it is
 * cheap, so the kernel's queue drains instead of holding seconds of stale media for everyone.
 * The overload controller (control package) turns the dropping on and off; the fan-out counts
 * what it drops and the longest wait it saw, which the controller reads and resets. Plain fields,
 * written on the loop only, as {@link LoopCounters}.
 */
public final class LoopOverload {

    /** The longest a packet may have waited (beyond the stream's least wait) and still be forwarded under overload. */
    public static final int DEFAULT_MAX_INPUT_DELAY_MS = 100;

    private static final Map<EventExecutor, LoopOverload> BY_LOOP = new WeakHashMap<>();

    private boolean dropLate;
    private int maxInputDelayMs = DEFAULT_MAX_INPUT_DELAY_MS;
    private long forwarded;
    private long late;
    private long lateDropped;

    /** The state of no loop, for tests; production code uses {@link #of}. */
    public LoopOverload() {
    }

    /** The state of this loop, made on first use; call when an entity is made, never per packet. */
    public static LoopOverload of(EventExecutor loop) {
        synchronized (BY_LOOP) {
            return BY_LOOP.computeIfAbsent(loop, ignored -> new LoopOverload());
        }
    }

    /**
     * Whether the fan-out should skip a packet that waited {@code inputDelayMs}; counts it as
     * late (and dropped when dropping is on) or as forwarded.
     */
    public boolean dropsLate(long inputDelayMs) {
        if (inputDelayMs <= maxInputDelayMs) {
            forwarded++;
            return false;
        }
        late++;
        if (dropLate) {
            lateDropped++;
            return true;
        }
        forwarded++;
        return false;
    }

    public void dropLate(boolean drop) {
        this.dropLate = drop;
    }

    public boolean droppingLate() {
        return dropLate;
    }

    public void maxInputDelayMs(int ms) {
        this.maxInputDelayMs = ms;
    }

    public int maxInputDelayMs() {
        return maxInputDelayMs;
    }

    /** Packets that reached the fan-out and were not dropped as late, since the loop started. */
    public long forwarded() {
        return forwarded;
    }

    /** Packets that reached the fan-out having waited longer than the bound, dropped or not. */
    public long late() {
        return late;
    }

    /** Late packets dropped before the fan-out since the loop started. */
    public long lateDropped() {
        return lateDropped;
    }
}
