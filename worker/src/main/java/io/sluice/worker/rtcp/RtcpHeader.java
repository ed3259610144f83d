package io.sluice.worker.rtcp;

import io.netty.buffer.ByteBuf;

/**
 * The header every RTCP packet starts with (RFC 3550 §6.4.1), read and written with absolute
 * indices:
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|  count  |      PT       |  length (32-bit words - 1)    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * The 5-bit count is RC, SC or (in feedback packets, RFC 4585 §6.1) FMT.
 */
public final class RtcpHeader {

    public static final int LENGTH = 4;

    public static final int TYPE_SR = 200;
    public static final int TYPE_RR = 201;
    public static final int TYPE_SDES = 202;
    public static final int TYPE_BYE = 203;
    public static final int TYPE_APP = 204;
    /** RFC 4585 §6.1: transport layer feedback. */
    public static final int TYPE_RTPFB = 205;
    /** RFC 4585 §6.1: payload-specific feedback. */
    public static final int TYPE_PSFB = 206;
    /** RFC 3611 §2: extended report. */
    public static final int TYPE_XR = 207;

    /** The 5-bit count field's largest value. */
    public static final int MAX_COUNT = 31;

    private RtcpHeader() {
    }

    public static int version(ByteBuf buf, int index) {
        return buf.getUnsignedByte(index) >>> 6;
    }

    public static boolean hasPadding(ByteBuf buf, int index) {
        return (buf.getByte(index) & 0x20) != 0;
    }

    public static int count(ByteBuf buf, int index) {
        return buf.getByte(index) & 0x1f;
    }

    public static int packetType(ByteBuf buf, int index) {
        return buf.getUnsignedByte(index + 1);
    }

    /** The packet's whole length in bytes from its length field, header and padding included. */
    public static int packetLength(ByteBuf buf, int index) {
        return 4 * (buf.getUnsignedShort(index + 2) + 1);
    }

    /**
     * Validates the header of the packet at {@code index} within {@code available} bytes and
     * returns its length without padding, or -1 when the version is not 2, the length field
     * overruns {@code available}, or the padding count (RFC 3550 §6.4.1: the last octet) is 0 or
     * larger than the packet's content.
     */
    public static int contentLength(ByteBuf buf, int index, int available) {
        if (available < LENGTH || version(buf, index) != 2) {
            return -1;
        }
        int length = packetLength(buf, index);
        if (length > available) {
            return -1;
        }
        if (!hasPadding(buf, index)) {
            return length;
        }
        int padding = buf.getUnsignedByte(index + length - 1);
        if (padding == 0 || padding > length - LENGTH) {
            return -1;
        }
        return length - padding;
    }

    /** Writes a header without padding for a packet of {@code length} bytes (a multiple of 4). */
    public static void write(ByteBuf dst, int count, int packetType, int length) {
        dst.writeByte(0x80 | (count & 0x1f));
        dst.writeByte(packetType);
        dst.writeShort(length / 4 - 1);
    }

    /**
     * RFC 5761 §4: on a multiplexed port, a packet whose second byte is 192 to 223 is RTCP
     * (the RTP payload types 64-95 that would collide are not used).
     */
    public static boolean looksLikeRtcp(ByteBuf buf, int index, int available) {
        if (available < LENGTH || version(buf, index) != 2) {
            return false;
        }
        int packetType = packetType(buf, index);
        return packetType >= 192 && packetType <= 223;
    }

    /** Rounds {@code length} up to a whole number of 32-bit words. */
    static int padToWords(int length) {
        return (length + 3) & ~3;
    }
}
