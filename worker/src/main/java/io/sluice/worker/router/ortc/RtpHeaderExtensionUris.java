package io.sluice.worker.router.ortc;

/** URIs of the RTP header extensions (RFC 8285) Sluice negotiates, as browsers write them in a=extmap. */
public final class RtpHeaderExtensionUris {

    /** The BUNDLE media identification (RFC 8843 section 15.1). */
    public static final String MID = "urn:ietf:params:rtp-hdrext:sdes:mid";
    /** RtpStreamId, the simulcast rid (RFC 8852 section 3.1). */
    public static final String RTP_STREAM_ID = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
    /** RepairedRtpStreamId, the rid an RTX stream repairs (RFC 8852 section 3.2). */
    public static final String REPAIRED_RTP_STREAM_ID = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id";
    /** 24-bit 6.18 fixed-point send time for REMB (webrtc.org abs-send-time). */
    public static final String ABS_SEND_TIME = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
    /** Transport-wide sequence number (draft-holmer-rmcat-transport-wide-cc-extensions-01 section 2). */
    public static final String TRANSPORT_WIDE_CC_01 =
            "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
    /** Client-to-mixer audio level (RFC 6464). */
    public static final String SSRC_AUDIO_LEVEL = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
    /** AV1 (and generic SVC) frame dependency structure (AV1 RTP specification, appendix A). */
    public static final String DEPENDENCY_DESCRIPTOR =
            "https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension";
    /** Coordination of video orientation, CVO (3GPP TS 26.114 section 7.4.5). */
    public static final String VIDEO_ORIENTATION = "urn:3gpp:video-orientation";
    /** Transmission time offset (RFC 5450). */
    public static final String TOFFSET = "urn:ietf:params:rtp-hdrext:toffset";
    /** Capture time in NTP format (webrtc.org abs-capture-time). */
    public static final String ABS_CAPTURE_TIME = "http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time";
    /** Minimum and maximum playout delay hints (webrtc.org playout-delay). */
    public static final String PLAYOUT_DELAY = "http://www.webrtc.org/experiments/rtp-hdrext/playout-delay";

    private RtpHeaderExtensionUris() {}
}
