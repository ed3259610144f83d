package io.sluice.worker.bwe;

/**
 * The transport-wide sequence numbers of one sending transport
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01 §2): one 16-bit counter across every RTP
 * packet the transport sends, media and retransmissions of all its consumers alike, so that the
 * receiver's transport-cc feedback (§3.1) reports arrival per packet of the whole transport. The
 * send time of each number is kept in a ring for the bandwidth estimator that will match the
 * feedback against it. One per transport, on its loop; allocates nothing per packet (the ring is
 * created with the first number).
 */
public final class TransportWideSequence {

    /** Send times kept: 8192 numbers, over a second of packets at 8 000 packets/s. */
    public static final int HISTORY = 1 << 13;
    private static final int MASK = HISTORY - 1;

    private int next;
    private long[] sentAtMs;
    private long numbered;

    /** The next number (the first is 1, as libwebrtc's), sent at {@code nowMs} (monotonic). */
    public int next(long nowMs) {
        next = (next + 1) & 0xFFFF;
        if (sentAtMs == null) {
            sentAtMs = new long[HISTORY];
        }
        sentAtMs[next & MASK] = nowMs;
        numbered++;
        return next;
    }

    /**
     * When {@code sequenceNumber} was sent, or -1 when it has not been sent yet or its slot was
     * reused (more than {@link #HISTORY} numbers ago).
     */
    public long sentAtMs(int sequenceNumber) {
        int sequence = sequenceNumber & 0xFFFF;
        if (sentAtMs == null || numbered == 0) {
            return -1;
        }
        int behind = (next - sequence) & 0xFFFF;
        if (behind >= Math.min(numbered, HISTORY)) {
            return -1;
        }
        return sentAtMs[sequence & MASK];
    }

    /** The last number given, 0 before the first. */
    public int last() {
        return next;
    }

    /** Numbers given so far. */
    public long numbered() {
        return numbered;
    }
}
