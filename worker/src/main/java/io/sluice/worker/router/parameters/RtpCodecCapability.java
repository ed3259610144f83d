package io.sluice.worker.router.parameters;

import java.util.List;
import java.util.Map;

/**
 * A codec a router or an endpoint can handle. {@code kind} is null when an application's media
 * codec leaves it out (it follows from the mime type); {@code preferredPayloadType} is null when
 * not chosen yet, {@code channels} null for video and for audio that leaves it out.
 */
public record RtpCodecCapability(MediaKind kind, String mimeType, Integer preferredPayloadType, int clockRate,
        Integer channels, Map<String, ParameterValue> parameters, List<RtcpFeedback> rtcpFeedback) {

    public RtpCodecCapability {
        parameters = Parameters.copyOf(parameters);
        rtcpFeedback = List.copyOf(rtcpFeedback);
    }

    public boolean hasPreferredPayloadType() {
        return preferredPayloadType != null;
    }

    public boolean hasChannels() {
        return channels != null;
    }

    public RtpCodecCapability withKind(MediaKind newKind) {
        return new RtpCodecCapability(newKind, mimeType, preferredPayloadType, clockRate, channels, parameters,
                rtcpFeedback);
    }

    public RtpCodecCapability withPreferredPayloadType(Integer payloadType) {
        return new RtpCodecCapability(kind, mimeType, payloadType, clockRate, channels, parameters, rtcpFeedback);
    }

    public RtpCodecCapability withChannels(Integer newChannels) {
        return new RtpCodecCapability(kind, mimeType, preferredPayloadType, clockRate, newChannels, parameters,
                rtcpFeedback);
    }

    public RtpCodecCapability withParameters(Map<String, ParameterValue> newParameters) {
        return new RtpCodecCapability(kind, mimeType, preferredPayloadType, clockRate, channels, newParameters,
                rtcpFeedback);
    }
}
