package io.sluice.worker.router.ortc;

import static io.sluice.worker.router.ortc.CodecParameters.ofInt;
import static io.sluice.worker.router.ortc.CodecParameters.ofString;

import io.sluice.worker.router.parameters.MediaKind;
import io.sluice.worker.router.parameters.ParameterValue;
import io.sluice.worker.router.parameters.RtcpFeedback;
import io.sluice.worker.router.parameters.RtpCapabilities;
import io.sluice.worker.router.parameters.RtpCodecCapability;
import io.sluice.worker.router.parameters.RtpHeaderExtension;
import io.sluice.worker.router.parameters.RtpHeaderExtensionDirection;
import java.util.List;
import java.util.Map;

/**
 * Every codec and RTP header extension Sluice can route: mediasoup's table (3.27), from which a
 * router takes the codecs an application asks for. Codecs mediasoup dropped (H264-SVC, H265) are
 * absent, and so is mediasoup's private packet-id extension.
 *
 * <p>Codecs without a payload type get a dynamic one when a router is created; those with one
 * carry their static assignment from RFC 3551 section 6.
 */
public final class SupportedRtpCapabilities {

    /** Generic NACK (RFC 4585 section 6.2.1): the receiver asks for lost packets. */
    public static final RtcpFeedback NACK = feedback("nack", "");
    /** Picture Loss Indication (RFC 4585 section 6.3.1). */
    public static final RtcpFeedback NACK_PLI = feedback("nack", "pli");
    /** Full Intra Request (RFC 5104 section 4.3.1). */
    public static final RtcpFeedback CCM_FIR = feedback("ccm", "fir");
    /** Receiver Estimated Maximum Bitrate (draft-alvestrand-rmcat-remb section 2). */
    public static final RtcpFeedback GOOG_REMB = feedback("goog-remb", "");
    /** Transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01 section 3). */
    public static final RtcpFeedback TRANSPORT_CC = feedback("transport-cc", "");

    private static final List<RtcpFeedback> OPUS_FEEDBACK = List.of(NACK, TRANSPORT_CC);
    private static final List<RtcpFeedback> AUDIO_FEEDBACK = List.of(TRANSPORT_CC);
    private static final List<RtcpFeedback> VIDEO_FEEDBACK = List.of(NACK, NACK_PLI, CCM_FIR, GOOG_REMB, TRANSPORT_CC);

    private static final RtpCapabilities CAPABILITIES = new RtpCapabilities(List.of(
            // Opus (RFC 7587 section 7): always 48000/2 in SDP whatever the real channel count.
            audio("audio/opus", 48000, 2, null, Map.of(), OPUS_FEEDBACK),
            // Multichannel Opus as libwebrtc signals it: quad, 5.1 and 7.1.
            audio("audio/multiopus", 48000, 4, null, multiopus("0,1,2,3", 2, 2), OPUS_FEEDBACK),
            audio("audio/multiopus", 48000, 6, null, multiopus("0,4,1,2,3,5", 4, 2), OPUS_FEEDBACK),
            audio("audio/multiopus", 48000, 8, null, multiopus("0,6,1,2,3,4,5,7", 5, 3), OPUS_FEEDBACK),
            // G.711 and G.722 with their static payload types (RFC 3551 section 6, table 4); G.722's
            // RTP clock is 8000 although it samples at 16000 (RFC 3551 section 4.5.2).
            audio("audio/PCMU", 8000, 1, 0, Map.of(), AUDIO_FEEDBACK),
            audio("audio/PCMA", 8000, 1, 8, Map.of(), AUDIO_FEEDBACK),
            audio("audio/ISAC", 32000, 1, null, Map.of(), AUDIO_FEEDBACK),
            audio("audio/ISAC", 16000, 1, null, Map.of(), AUDIO_FEEDBACK),
            audio("audio/G722", 8000, 1, 9, Map.of(), AUDIO_FEEDBACK),
            // iLBC (RFC 3952 section 4.1).
            audio("audio/iLBC", 8000, 1, null, Map.of(), AUDIO_FEEDBACK),
            audio("audio/SILK", 24000, 1, null, Map.of(), AUDIO_FEEDBACK),
            audio("audio/SILK", 16000, 1, null, Map.of(), AUDIO_FEEDBACK),
            audio("audio/SILK", 12000, 1, null, Map.of(), AUDIO_FEEDBACK),
            audio("audio/SILK", 8000, 1, null, Map.of(), AUDIO_FEEDBACK),
            // Comfort noise (RFC 3389 section 5), static payload type 13 at every clock rate.
            audio("audio/CN", 32000, 1, 13, Map.of(), List.of()),
            audio("audio/CN", 16000, 1, 13, Map.of(), List.of()),
            audio("audio/CN", 8000, 1, 13, Map.of(), List.of()),
            // DTMF events (RFC 4733 section 2.3), one entry per audio clock rate.
            audio("audio/telephone-event", 48000, 1, null, Map.of(), List.of()),
            audio("audio/telephone-event", 32000, 1, null, Map.of(), List.of()),
            audio("audio/telephone-event", 16000, 1, null, Map.of(), List.of()),
            audio("audio/telephone-event", 8000, 1, null, Map.of(), List.of()),
            // VP8 (RFC 7741), VP9 (RFC 9628), H.264 (RFC 6184) and AV1 (AV1 RTP specification), all 90 kHz.
            video("video/VP8", Map.of()),
            video("video/VP9", Map.of()),
            video("video/H264", Map.of(CodecParameters.LEVEL_ASYMMETRY_ALLOWED, ofInt(1))),
            video("video/AV1", Map.of())),
            List.of(
            extension(MediaKind.AUDIO, RtpHeaderExtensionUris.MID, 1, RtpHeaderExtensionDirection.SENDRECV),
            extension(MediaKind.VIDEO, RtpHeaderExtensionUris.MID, 1, RtpHeaderExtensionDirection.SENDRECV),
            // rid and repaired rid only arrive (from simulcast producers); consumers get plain SSRCs.
            extension(MediaKind.VIDEO, RtpHeaderExtensionUris.RTP_STREAM_ID, 2, RtpHeaderExtensionDirection.RECVONLY),
            extension(MediaKind.VIDEO, RtpHeaderExtensionUris.REPAIRED_RTP_STREAM_ID, 3, RtpHeaderExtensionDirection.RECVONLY),
            extension(MediaKind.AUDIO, RtpHeaderExtensionUris.ABS_SEND_TIME, 4, RtpHeaderExtensionDirection.SENDRECV),
            extension(MediaKind.VIDEO, RtpHeaderExtensionUris.ABS_SEND_TIME, 4, RtpHeaderExtensionDirection.SENDRECV),
            // Audio gets transport-wide sequence numbers only inbound, as mediasoup does.
            extension(MediaKind.AUDIO, RtpHeaderExtensionUris.TRANSPORT_WIDE_CC_01, 5, RtpHeaderExtensionDirection.RECVONLY),
            extension(MediaKind.VIDEO, RtpHeaderExtensionUris.TRANSPORT_WIDE_CC_01, 5, RtpHeaderExtensionDirection.SENDRECV),
            extension(MediaKind.AUDIO, RtpHeaderExtensionUris.SSRC_AUDIO_LEVEL, 6, RtpHeaderExtensionDirection.SENDRECV),
            // The dependency descriptor is read from producers; consumers do not get it rewritten.
            extension(MediaKind.VIDEO, RtpHeaderExtensionUris.DEPENDENCY_DESCRIPTOR, 7, RtpHeaderExtensionDirection.RECVONLY),
            extension(MediaKind.VIDEO, RtpHeaderExtensionUris.VIDEO_ORIENTATION, 8, RtpHeaderExtensionDirection.SENDRECV),
            extension(MediaKind.VIDEO, RtpHeaderExtensionUris.TOFFSET, 9, RtpHeaderExtensionDirection.SENDRECV),
            extension(MediaKind.AUDIO, RtpHeaderExtensionUris.ABS_CAPTURE_TIME, 10, RtpHeaderExtensionDirection.SENDRECV),
            extension(MediaKind.VIDEO, RtpHeaderExtensionUris.ABS_CAPTURE_TIME, 10, RtpHeaderExtensionDirection.SENDRECV),
            extension(MediaKind.AUDIO, RtpHeaderExtensionUris.PLAYOUT_DELAY, 11, RtpHeaderExtensionDirection.SENDRECV),
            extension(MediaKind.VIDEO, RtpHeaderExtensionUris.PLAYOUT_DELAY, 11, RtpHeaderExtensionDirection.SENDRECV)));

    private SupportedRtpCapabilities() {}

    /** The whole table; audio codecs carry channels (1 when mono), video codecs none. */
    public static RtpCapabilities get() {
        return CAPABILITIES;
    }

    private static RtcpFeedback feedback(String type, String parameter) {
        return new RtcpFeedback(type, parameter);
    }

    private static Map<String, ParameterValue> multiopus(String channelMapping, int numStreams, int coupledStreams) {
        return Map.of(
                CodecParameters.CHANNEL_MAPPING, ofString(channelMapping),
                CodecParameters.NUM_STREAMS, ofInt(numStreams),
                CodecParameters.COUPLED_STREAMS, ofInt(coupledStreams));
    }

    private static RtpCodecCapability audio(
            String mimeType,
            int clockRate,
            int channels,
            Integer staticPayloadType,
            Map<String, ParameterValue> parameters,
            List<RtcpFeedback> feedback) {
        return new RtpCodecCapability(
                MediaKind.AUDIO, mimeType, staticPayloadType, clockRate, channels, parameters, feedback);
    }

    private static RtpCodecCapability video(String mimeType, Map<String, ParameterValue> parameters) {
        return new RtpCodecCapability(MediaKind.VIDEO, mimeType, null, 90000, null, parameters, VIDEO_FEEDBACK);
    }

    private static RtpHeaderExtension extension(
            MediaKind kind, String uri, int preferredId, RtpHeaderExtensionDirection direction) {
        return new RtpHeaderExtension(kind, uri, preferredId, false, direction);
    }
}
