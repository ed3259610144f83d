package io.sluice.worker.router.ortc;

import java.util.List;
import java.util.OptionalLong;

/**
 * How a producer's RTP maps onto the router: each of its payload types to the router's, and each
 * of its encodings (found by SSRC or rid) to the SSRC the router forwards it with. Built once when
 * the producer is created; the media path reads it, never changes it.
 */
public record RtpMapping(List<CodecMapping> codecs, List<EncodingMapping> encodings) {

    public RtpMapping {
        codecs = List.copyOf(codecs);
        encodings = List.copyOf(encodings);
    }

    /** The producer's payload type and the router's payload type for the same codec. */
    public record CodecMapping(int payloadType, int mappedPayloadType) {}

    /**
     * One producer encoding, identified by its SSRC (when signalled) or its rid, and the SSRC the
     * router gives it (an unsigned 32-bit value).
     */
    public record EncodingMapping(OptionalLong ssrc, String rid, long mappedSsrc) {}

    /** The router's payload type for a producer payload type, or -1 when the producer has no such codec. */
    public int mappedPayloadType(int payloadType) {
        for (CodecMapping codec : codecs) {
            if (codec.payloadType == payloadType) {
                return codec.mappedPayloadType;
            }
        }
        return -1;
    }
}
