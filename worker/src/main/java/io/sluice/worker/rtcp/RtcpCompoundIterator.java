package io.sluice.worker.rtcp;

import io.netty.buffer.ByteBuf;

/**
 * Walks the packets of a compound RTCP packet (RFC 3550 §6.1) in place, without allocating:
 * each {@link #next()} validates one common header (version 2, length within the compound,
 * padding within the packet) and exposes its fields. A compound whose last header does not end
 * exactly at the end of the datagram is malformed (RFC 3550 §A.2). Reusable through
 * {@link #reset}; it neither retains nor releases the buffer.
 */
public final class RtcpCompoundIterator {

    private ByteBuf buf;
    private int next;
    private int end;
    private int current = -1;
    private int packetLength;
    private int contentLength;
    private boolean malformed;

    /** Points the iterator at {@code buf}'s readable bytes. */
    public RtcpCompoundIterator reset(ByteBuf buf) {
        return reset(buf, buf.readerIndex(), buf.readableBytes());
    }

    public RtcpCompoundIterator reset(ByteBuf buf, int index, int length) {
        this.buf = buf;
        this.next = index;
        this.end = index + length;
        this.current = -1;
        this.malformed = length < RtcpHeader.LENGTH;
        return this;
    }

    /**
     * Moves to the next packet. Returns false at the end of the compound and on a malformed
     * packet (then {@link #isMalformed()} is true and iteration stops).
     */
    public boolean next() {
        if (malformed || next >= end) {
            return false;
        }
        int content = RtcpHeader.contentLength(buf, next, end - next);
        if (content < 0) {
            malformed = true;
            return false;
        }
        current = next;
        packetLength = RtcpHeader.packetLength(buf, current);
        contentLength = content;
        next = current + packetLength;
        return true;
    }

    /** Whether iteration stopped on a malformed packet (or the compound is shorter than a header). */
    public boolean isMalformed() {
        return malformed;
    }

    public ByteBuf buffer() {
        return buf;
    }

    /** Absolute index of the current packet's first byte. */
    public int offset() {
        return current;
    }

    /** The current packet's length from its header, padding included. */
    public int packetLength() {
        return packetLength;
    }

    /** The current packet's length without padding. */
    public int contentLength() {
        return contentLength;
    }

    public int packetType() {
        return RtcpHeader.packetType(buf, current);
    }

    /** RC, SC or FMT. */
    public int count() {
        return RtcpHeader.count(buf, current);
    }

    /** The SSRC after the header (the sender's for SR, RR, feedback and XR), or -1 when absent. */
    public long senderSsrc() {
        return contentLength >= 8 ? buf.getUnsignedInt(current + 4) : -1;
    }

    /** Parses the current packet into its type; null when its body is malformed. */
    public RtcpPacket parse() {
        return RtcpPacket.parse(buf, current, packetLength);
    }
}
