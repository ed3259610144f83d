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
        if (Payloads.mimeTypeIs(mimeType, "video/VP8")) {
            return Vp8PayloadParser.INSTANCE;
        }
        if (Payloads.mimeTypeIs(mimeType, "video/VP9")) {
            return Vp9PayloadParser.INSTANCE;
        }
        if (Payloads.mimeTypeIs(mimeType, "video/H264")) {
            return H264PayloadParser.INSTANCE;
        }
        if (Payloads.mimeTypeIs(mimeType, "video/AV1")) {
            return Av1PayloadParser.INSTANCE;
        }
        return null;
    }
}
