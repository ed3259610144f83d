package io.sluice.worker.router.parameters;

/**
 * One encoding (stream) of a stream set: identified by {@code ssrc} or {@code rid}, optionally
 * tied to one codec, with its RTX stream, DTX, scalability mode (e.g. "L1T3") and bitrate cap.
 * Null components were left out; {@code rid} and {@code scalabilityMode} are "" when absent.
 * SSRCs and the bitrate are unsigned 32-bit values.
 */
public record RtpEncodingParameters(Integer ssrc, String rid, Integer codecPayloadType, RtxParameters rtx,
        boolean dtx, String scalabilityMode, Integer maxBitrate) {

    /** An encoding with nothing given: what validation adds to parameters without encodings. */
    public static final RtpEncodingParameters EMPTY = new RtpEncodingParameters(null, "", null, null, false, "", null);

    public boolean hasSsrc() {
        return ssrc != null;
    }

    public boolean hasCodecPayloadType() {
        return codecPayloadType != null;
    }

    public boolean hasRtx() {
        return rtx != null;
    }

    public boolean hasMaxBitrate() {
        return maxBitrate != null;
    }

    public RtpEncodingParameters withSsrc(Integer newSsrc) {
        return new RtpEncodingParameters(newSsrc, rid, codecPayloadType, rtx, dtx, scalabilityMode, maxBitrate);
    }

    public RtpEncodingParameters withRtx(RtxParameters newRtx) {
        return new RtpEncodingParameters(ssrc, rid, codecPayloadType, newRtx, dtx, scalabilityMode, maxBitrate);
    }

    /** This encoding as the router forwards it: under a router SSRC, without rid, RTX or codec binding. */
    public RtpEncodingParameters asConsumable(int mappedSsrc) {
        return new RtpEncodingParameters(mappedSsrc, "", null, null, dtx, scalabilityMode, maxBitrate);
    }
}
