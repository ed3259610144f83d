package io.sluice.worker.router.stats;

/**
 * How long the packet just received of one RTP stream waited, beyond the least wait seen lately:
 * an estimate of the time it spent queued (in the network, the kernel's socket buffer, or behind
 * a busy loop) without a kernel timestamp. Each packet's transit is its arrival time minus its RTP
 * timestamp, both in timestamp units (RFC 3550 §6.4.1, A.8); the sender's clock offset cancels out
 * against the base, the least transit over the last {@link #BASE_WINDOW_MS} (kept, as LEDBAT keeps
 * its base delay, RFC 6817 §3.4.2, as the minima of a few buckets, so that it follows clock drift
 * and a sender that starts over). A transit more than {@link #DISCONTINUITY_MS} above the base is
 * not a wait but a jump of the sender's timestamps (a restart, a wrap): the base starts again there.
 *
 * <p>What it cannot tell apart from queueing: a sender that paces a large frame out over longer
 * than its capture interval (a key frame) makes the frame's last packets look late by the pacing
 * time. The overload handling therefore only drops by this estimate while the loop is over budget.
 * Allocates nothing; on the router's loop.
 */
public final class InputDelay {

    static final long BUCKET_MS = 10_000;
    private static final int BUCKETS = 3;
    /** The base is the least transit over the last two to three buckets. */
    static final long BASE_WINDOW_MS = BUCKET_MS * (BUCKETS - 1);
    static final long DISCONTINUITY_MS = 10_000;

    private final int clockRate;
    private final long[] bucketMin = new long[BUCKETS];
    private int current;
    private long currentStartMs;
    private boolean started;
    private long base;
    private long delayMs;

    public InputDelay(int clockRate) {
        this.clockRate = clockRate;
    }

    /** A packet with {@code rtpTimestamp} (32 bits, unsigned) arrived at {@code nowMs}, a monotonic clock. */
    public void onPacket(long rtpTimestamp, long nowMs) {
        long transit = nowMs * clockRate / 1000 - rtpTimestamp;
        if (!started || transit - base > DISCONTINUITY_MS * clockRate / 1000) {
            startOver(transit, nowMs);
        } else if (nowMs - currentStartMs >= BUCKET_MS) {
            current = (current + 1) % BUCKETS;
            bucketMin[current] = transit;
            currentStartMs = nowMs;
            base = transit;
            for (long min : bucketMin) {
                base = Math.min(base, min);
            }
        } else if (transit < bucketMin[current]) {
            bucketMin[current] = transit;
            base = Math.min(base, transit);
        }
        delayMs = (transit - base) * 1000 / clockRate;
    }

    private void startOver(long transit, long nowMs) {
        java.util.Arrays.fill(bucketMin, transit);
        current = 0;
        currentStartMs = nowMs;
        base = transit;
        started = true;
    }

    /** The last packet's wait beyond the base, in milliseconds; 0 before the first packet. */
    public long delayMs() {
        return delayMs;
    }
}
