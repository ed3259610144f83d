package io.sluice.worker.rtp.nack;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The last packets one sent RTP stream sent, by sequence number, so that a generic NACK
 * (RFC 4585 §6.2.1) from its receiver can be answered (mediasoup's RtpRetransmissionBuffer).
 * Slots are indexed by the low bits of the sequence number; the capacity is a power of two that
 * divides 2^16, so the index survives the sequence number wrapping. A packet older than the
 * maximum age, or whose slot a newer packet took, is gone. Each packet is resent at most once per
 * {@code minResendIntervalMs} (the receiver's NACK retries come every RTT; resending faster only
 * duplicates what is already in flight).
 *
 * <p>Each stored packet is a copy in a pooled buffer owned by this class, released when its slot
 * is reused or on {@link #close()}. Not thread-safe: one event loop owns it.
 */
public final class RetransmissionBuffer {

    /** Slots for a video stream: about 2 s at 250 packets/s (mediasoup keeps 2 s of video). */
    public static final int DEFAULT_CAPACITY = 1024;
    /** mediasoup's RtpStreamSend: packets older than this are not resent. */
    public static final long DEFAULT_MAX_AGE_MS = 2000;
    /** At most one resend of a packet per this interval (an RTT before one is measured). */
    public static final long DEFAULT_MIN_RESEND_INTERVAL_MS = 100;

    private final ByteBufAllocator allocator;
    private final int mask;
    private final long maxAgeMs;
    private final ByteBuf[] packets;
    private final int[] sequenceNumbers;
    private final long[] storedAtMs;
    private final long[] resentAtMs;
    private long minResendIntervalMs = DEFAULT_MIN_RESEND_INTERVAL_MS;
    private boolean closed;

    public RetransmissionBuffer(ByteBufAllocator allocator) {
        this(allocator, DEFAULT_CAPACITY, DEFAULT_MAX_AGE_MS);
    }

    /** {@code capacity} must be a power of two between 1 and 2^15. */
    public RetransmissionBuffer(ByteBufAllocator allocator, int capacity, long maxAgeMs) {
        if (capacity < 1 || capacity > 1 << 15 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two up to 32768: " + capacity);
        }
        this.allocator = allocator;
        this.mask = capacity - 1;
        this.maxAgeMs = maxAgeMs;
        this.packets = new ByteBuf[capacity];
        this.sequenceNumbers = new int[capacity];
        this.storedAtMs = new long[capacity];
        this.resentAtMs = new long[capacity];
    }

    /**
     * Keeps a copy of {@code length} bytes of {@code src} from {@code index}: the packet sent with
     * {@code sequenceNumber}. The caller keeps {@code src}. Does nothing once closed.
     */
    public void store(ByteBuf src, int index, int length, int sequenceNumber, long nowMs) {
        if (closed) {
            return;
        }
        int slot = sequenceNumber & mask;
        ByteBuf copy = packets[slot];
        if (copy == null || copy.capacity() < length) {
            if (copy != null) {
                copy.release();
            }
            copy = allocator.directBuffer(length);
            packets[slot] = copy;
        }
        copy.clear().writeBytes(src, index, length);
        sequenceNumbers[slot] = sequenceNumber & 0xFFFF;
        storedAtMs[slot] = nowMs;
        resentAtMs[slot] = Long.MIN_VALUE;
    }

    /**
     * The stored packet sent with {@code sequenceNumber} if it may be resent now, and marks it
     * resent; null when it is gone, too old, or was resent less than the minimum interval ago.
     * The result is a view: copy it before the next {@code store}; never retain or release it.
     */
    public ByteBuf takeForResend(int sequenceNumber, long nowMs) {
        int slot = sequenceNumber & mask;
        ByteBuf packet = packets[slot];
        if (packet == null || sequenceNumbers[slot] != (sequenceNumber & 0xFFFF)
                || nowMs - storedAtMs[slot] > maxAgeMs) {
            return null;
        }
        if (resentAtMs[slot] != Long.MIN_VALUE && nowMs - resentAtMs[slot] < minResendIntervalMs) {
            return null;
        }
        resentAtMs[slot] = nowMs;
        return packet;
    }

    /** The receiver's round-trip time, when known, spaces resends of one packet. */
    public void setMinResendIntervalMs(long intervalMs) {
        this.minResendIntervalMs = Math.max(0, intervalMs);
    }

    /** Releases every stored copy; later stores are ignored. */
    public void close() {
        closed = true;
        for (int i = 0; i < packets.length; i++) {
            if (packets[i] != null) {
                packets[i].release();
                packets[i] = null;
            }
        }
    }
}
