package io.sluice.worker.rtp.codecs;

import io.netty.buffer.ByteBuf;

/** Bounds checks shared by the parsers, so that a malformed payload reads as false, never as an exception. */
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
}
