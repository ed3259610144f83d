package io.sluice.worker.rtp.nack;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The last packets of a producer's streams, one copy each, shared by every consumer that forwards
 * them, so that a generic NACK (RFC 4585 §6.2.1) from any of their receivers can be answered
 * without each consumer keeping a copy of its own (mediasoup's shared packet: one clone per
 * forwarded packet, referenced by every consumer's retransmission buffer). A consumer keeps only
 * the {@linkplain #storeOnce handle} of what it sent and rebuilds its own packet from the copy
 * when asked to resend.
 *
 * <p>One ring per stream, slots indexed by the low bits of the stream's sequence number (the
 * capacity is a power of two that divides 2^16, so the index survives wrap-around). Each stored
 * packet gets a serial number; a handle is the serial and the stream, so a handle whose slot a
 * newer packet took (or a packet older than the maximum age) no longer finds anything.
 *
 * <p>Each copy is a pooled buffer owned by this store; a slot's buffer is reused for the next
 * packet that fits, released when it does not, and every one on {@link #close()}. Not
 * thread-safe: one event loop owns it.
 */
public final class SharedPacketStore {

    /** Slots per stream: about 2 s of video at 500 packets/s, 4 s at 250. */
    public static final int DEFAULT_CAPACITY = 1024;
    /** A handle that names nothing. */
    public static final long NO_HANDLE = 0;

    private static final int STREAM_BITS = 8;
    private static final int MAX_STREAMS = 1 << STREAM_BITS;

    private final ByteBufAllocator allocator;
    private final long[] streamSsrcs;
    private final int mask;
    private final long maxAgeMs;
    private final ByteBuf[][] packets;
    private final int[][] sequenceNumbers;
    private final long[][] serials;
    private final long[][] storedAtMs;
    private long lastSerial;
    private int lastStream = -1;
    private int lastSequenceNumber = -1;
    private boolean closed;

    /** {@code streamSsrcs}: the SSRC of each stream (the packets' SSRC when they are stored). */
    public SharedPacketStore(ByteBufAllocator allocator, long[] streamSsrcs) {
        this(allocator, streamSsrcs, DEFAULT_CAPACITY, RetransmissionBuffer.DEFAULT_MAX_AGE_MS);
    }

    /** {@code capacity} must be a power of two between 1 and 2^15; at most 256 streams. */
    public SharedPacketStore(ByteBufAllocator allocator, long[] streamSsrcs, int capacity, long maxAgeMs) {
        if (capacity < 1 || capacity > 1 << 15 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two up to 32768: " + capacity);
        }
        if (streamSsrcs.length > MAX_STREAMS) {
            throw new IllegalArgumentException("at most " + MAX_STREAMS + " streams: " + streamSsrcs.length);
        }
        this.allocator = allocator;
        this.streamSsrcs = streamSsrcs.clone();
        this.mask = capacity - 1;
        this.maxAgeMs = maxAgeMs;
        int streams = streamSsrcs.length;
        this.packets = new ByteBuf[streams][];
        this.sequenceNumbers = new int[streams][];
        this.serials = new long[streams][];
        this.storedAtMs = new long[streams][];
    }

    /**
     * The handle of {@code length} bytes of {@code src} from {@code index}, sent with
     * {@code ssrc} and {@code sequenceNumber}: the packet being forwarded. The first consumer to
     * forward it copies it in; the others find it as the last packet stored. Returns
     * {@link #NO_HANDLE} when {@code ssrc} is none of the streams' or the store is closed. The
     * caller keeps {@code src}.
     */
    public long storeOnce(ByteBuf src, int index, int length, long ssrc, int sequenceNumber, long nowMs) {
        if (closed) {
            return NO_HANDLE;
        }
        int stream = streamOf(ssrc);
        if (stream < 0) {
            return NO_HANDLE;
        }
        int sequence = sequenceNumber & 0xFFFF;
        if (stream == lastStream && sequence == lastSequenceNumber
                && serials[stream][sequence & mask] == lastSerial) {
            return handle(lastSerial, stream);
        }
        return store(stream, src, index, length, sequence, nowMs);
    }

    private long store(int stream, ByteBuf src, int index, int length, int sequenceNumber, long nowMs) {
        if (packets[stream] == null) {
            packets[stream] = new ByteBuf[mask + 1];
            sequenceNumbers[stream] = new int[mask + 1];
            serials[stream] = new long[mask + 1];
            storedAtMs[stream] = new long[mask + 1];
        }
        int slot = sequenceNumber & mask;
        ByteBuf copy = packets[stream][slot];
        if (copy == null || copy.capacity() < length) {
            if (copy != null) {
                copy.release();
            }
            copy = allocator.directBuffer(length);
            packets[stream][slot] = copy;
        }
        copy.clear().writeBytes(src, index, length);
        long serial = ++lastSerial;
        sequenceNumbers[stream][slot] = sequenceNumber;
        serials[stream][slot] = serial;
        storedAtMs[stream][slot] = nowMs;
        lastStream = stream;
        lastSequenceNumber = sequenceNumber;
        return handle(serial, stream);
    }

    /**
     * The copy {@code handle} names, stored with {@code sequenceNumber}, or null when a newer
     * packet took its slot, it is older than the maximum age, or the store is closed. The result
     * is a view: copy from it before the next store; never retain or release it.
     */
    public ByteBuf get(long handle, int sequenceNumber, long nowMs) {
        if (closed || handle == NO_HANDLE) {
            return null;
        }
        int stream = (int) (handle & (MAX_STREAMS - 1));
        if (stream >= packets.length || packets[stream] == null) {
            return null;
        }
        int slot = sequenceNumber & mask;
        if (serials[stream][slot] != handle >>> STREAM_BITS
                || sequenceNumbers[stream][slot] != (sequenceNumber & 0xFFFF)
                || nowMs - storedAtMs[stream][slot] > maxAgeMs) {
            return null;
        }
        return packets[stream][slot];
    }

    private int streamOf(long ssrc) {
        for (int i = 0; i < streamSsrcs.length; i++) {
            if (streamSsrcs[i] == ssrc) {
                return i;
            }
        }
        return -1;
    }

    private static long handle(long serial, int stream) {
        return serial << STREAM_BITS | stream;
    }

    /** Buffers held now (for tests and stats). */
    public int storedPackets() {
        int count = 0;
        for (ByteBuf[] ring : packets) {
            if (ring != null) {
                for (ByteBuf packet : ring) {
                    count += packet == null ? 0 : 1;
                }
            }
        }
        return count;
    }

    public boolean closed() {
        return closed;
    }

    /** Releases every copy; later stores return {@link #NO_HANDLE} and gets null. */
    public void close() {
        closed = true;
        for (ByteBuf[] ring : packets) {
            if (ring == null) {
                continue;
            }
            for (int i = 0; i < ring.length; i++) {
                if (ring[i] != null) {
                    ring[i].release();
                    ring[i] = null;
                }
            }
        }
    }
}
