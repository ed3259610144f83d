package io.sluice.worker.router.parameters;

import java.util.List;

/**
 * The parameters of one sent or received stream set (a producer's or a consumer's): the BUNDLE
 * mid ("" when none), codecs, header extensions, encodings, RTCP (null when left out, see
 * {@link #rtcpOrEmpty()}) and the producer's msid ("<stream id> <track id>", RFC 8830, or "").
 */
public record RtpParameters(String mid, List<RtpCodecParameters> codecs,
        List<RtpHeaderExtensionParameters> headerExtensions, List<RtpEncodingParameters> encodings,
        RtcpParameters rtcp, String msid) {

    public RtpParameters {
        codecs = List.copyOf(codecs);
        headerExtensions = List.copyOf(headerExtensions);
        encodings = List.copyOf(encodings);
    }

    public RtcpParameters rtcpOrEmpty() {
        return rtcp != null ? rtcp : RtcpParameters.EMPTY;
    }

    public RtpParameters withCodecs(List<RtpCodecParameters> newCodecs) {
        return new RtpParameters(mid, newCodecs, headerExtensions, encodings, rtcp, msid);
    }

    public RtpParameters withMid(String newMid) {
        return new RtpParameters(newMid, codecs, headerExtensions, encodings, rtcp, msid);
    }

    public RtpParameters withEncodings(List<RtpEncodingParameters> newEncodings) {
        return new RtpParameters(mid, codecs, headerExtensions, newEncodings, rtcp, msid);
    }
}
