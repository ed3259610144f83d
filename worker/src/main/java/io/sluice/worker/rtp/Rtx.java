package io.sluice.worker.rtp;

import io.netty.buffer.ByteBuf;

/**
 * RTP retransmission payload format (RFC 4588 §4): an RTX packet carries the original header
 * with the RTX stream's payload type, SSRC and sequence number, then the original sequence
 * number (OSN, 2 bytes), then the original payload. The original's padding is not carried.
 */
public final class Rtx {

    /** RFC 4588 §4: the OSN before the original payload. */
    public static final int OSN_LENGTH = 2;

    private Rtx() {
    }

    /** Bytes {@link #writeRtx} needs for {@code original}. */
    public static int rtxLength(RtpPacket original) {
        return original.headerLength() + OSN_LENGTH + original.payloadLength();
    }

    /**
     * Writes the RTX packet of {@code original} at {@code dst}'s writer index and advances it.
     * Returns the bytes written, or -1 (writing nothing) when {@code dst} cannot grow enough.
     * Header extensions and CSRCs are copied as they are; the P bit is cleared.
     */
    public static int writeRtx(RtpPacket original, ByteBuf dst, int rtxPayloadType, long rtxSsrc,
                               int rtxSequenceNumber) {
        int length = rtxLength(original);
        if (dst.maxWritableBytes() < length) {
            return -1;
        }
        ByteBuf src = original.buffer();
        int start = dst.writerIndex();
        dst.writeBytes(src, original.offset(), original.headerLength());
        dst.writeShort(original.sequenceNumber());
        dst.writeBytes(src, original.payloadOffset(), original.payloadLength());
        rewriteFixedHeader(dst, start, rtxPayloadType, rtxSsrc, rtxSequenceNumber);
        return length;
    }

    /**
     * Turns the RTX packet {@code rtx} back into its original in place (RFC 4588 §4): the header
     * moves 2 bytes forward over the OSN, so the buffer's reader index advances by 2; the RTX
     * padding is cut off by lowering the writer index. On success {@code rtx} views the original.
     * Returns false, changing nothing, when the payload has no room for an OSN.
     */
    public static boolean restoreInPlace(RtpPacket rtx, int originalPayloadType, long originalSsrc) {
        if (rtx.payloadLength() < OSN_LENGTH) {
            return false;
        }
        ByteBuf buf = rtx.buffer();
        int offset = rtx.offset();
        int headerLength = rtx.headerLength();
        int payloadEnd = rtx.payloadOffset() + rtx.payloadLength();
        int originalSequenceNumber = buf.getUnsignedShort(rtx.payloadOffset());
        // Backwards in 4-byte words (a header is a whole number of words): each word is read
        // before the overlapping destination is written.
        for (int i = headerLength - 4; i >= 0; i -= 4) {
            buf.setInt(offset + OSN_LENGTH + i, buf.getInt(offset + i));
        }
        int newOffset = offset + OSN_LENGTH;
        rewriteFixedHeader(buf, newOffset, originalPayloadType, originalSsrc, originalSequenceNumber);
        buf.writerIndex(payloadEnd);
        buf.readerIndex(newOffset);
        return rtx.wrap(buf, newOffset, payloadEnd - newOffset);
    }

    /**
     * Writes the original packet carried by {@code rtx} at {@code dst}'s writer index and
     * advances it. Returns the bytes written, or -1 (writing nothing) when the RTX payload has no
     * OSN or {@code dst} cannot grow enough.
     */
    public static int writeOriginal(RtpPacket rtx, ByteBuf dst, int originalPayloadType, long originalSsrc) {
        if (rtx.payloadLength() < OSN_LENGTH) {
            return -1;
        }
        int length = rtx.headerLength() + rtx.payloadLength() - OSN_LENGTH;
        if (dst.maxWritableBytes() < length) {
            return -1;
        }
        ByteBuf src = rtx.buffer();
        int originalSequenceNumber = src.getUnsignedShort(rtx.payloadOffset());
        int start = dst.writerIndex();
        dst.writeBytes(src, rtx.offset(), rtx.headerLength());
        dst.writeBytes(src, rtx.payloadOffset() + OSN_LENGTH, rtx.payloadLength() - OSN_LENGTH);
        rewriteFixedHeader(dst, start, originalPayloadType, originalSsrc, originalSequenceNumber);
        return length;
    }

    private static void rewriteFixedHeader(ByteBuf buf, int index, int payloadType, long ssrc, int sequenceNumber) {
        buf.setByte(index, buf.getByte(index) & ~0x20);
        buf.setByte(index + 1, (buf.getByte(index + 1) & 0x80) | (payloadType & 0x7f));
        buf.setShort(index + 2, sequenceNumber);
        buf.setInt(index + 8, (int) ssrc);
    }
}
