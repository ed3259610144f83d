package io.sluice.worker.rtp.codecs;

import io.netty.buffer.ByteBuf;

/**
 * Bounds checks and field readers shared by the parsers, so that a malformed payload reads as
 * false, never as an exception.
 */
final class Payloads {

    private Payloads() {
    }

    /** Whether {@code [offset, offset + length)} lies within the buffer's written bytes. */
    static boolean inBounds(ByteBuf buffer, int offset, int length) {
        return buffer != null && offset >= 0 && length >= 0 && offset <= buffer.writerIndex() - length;
    }

    /** Whether the MIME type names the codec, ignoring case. */
    static boolean mimeTypeIs(String mimeType, String expected) {
        return mimeType != null && mimeType.equalsIgnoreCase(expected);
    }

    /**
     * Reads the picture id at {@code index} into {@code out}: 7 bits, or 15 when the M bit (the
     * first bit) is set, as VP8 (RFC 7741 §4.2) and VP9 (RFC 9628 §4.2) both lay it out. Returns
     * the index after it, or -1 when it is cut off before {@code end}.
     */
    static int readPictureId(ByteBuf buffer, int index, int end, int payloadOffset, PayloadDescriptor out) {
        if (index >= end) {
            return -1;
        }
        int high = buffer.getUnsignedByte(index);
        out.pictureIdOffset = index - payloadOffset;
        if ((high & 0x80) != 0) {
            if (index + 1 >= end) {
                return -1;
            }
            out.pictureId = ((high & 0x7F) << 8) | buffer.getUnsignedByte(index + 1);
            out.pictureIdBits = 15;
            return index + 2;
        }
        out.pictureId = high;
        out.pictureIdBits = 7;
        return index + 1;
    }

    /**
     * Reads the one-byte TL0PICIDX at {@code index} into {@code out} (RFC 7741 §4.2, RFC 9628
     * §4.2). Returns the index after it, or -1 when it is cut off before {@code end}.
     */
    static int readTl0PicIdx(ByteBuf buffer, int index, int end, int payloadOffset, PayloadDescriptor out) {
        if (index >= end) {
            return -1;
        }
        out.tl0PicIdxOffset = index - payloadOffset;
        out.tl0PicIdx = buffer.getUnsignedByte(index);
        return index + 1;
    }
}
