package io.sluice.worker.rtp.codecs;

import io.netty.buffer.ByteBuf;

/** Parses one codec's payload descriptor. Stateless, allocation-free, one shared instance per codec. */
public interface PayloadParser {

    /**
     * Fills {@code out} from the payload; false when malformed (the caller drops the packet).
     * Reads with absolute indices only; never modifies the buffer.
     */
    boolean parse(ByteBuf buffer, int payloadOffset, int payloadLength, boolean marker, PayloadDescriptor out);

    /**
     * The parser for a codec's MIME type (case-insensitive: video/VP8, video/VP9, video/H264,
     * video/AV1), null for codecs without layer information (audio, ...).
     */
    static PayloadParser forMimeType(String mimeType) {
        throw new UnsupportedOperationException();
    }
}
