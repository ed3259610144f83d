package io.sluice.worker.router.parameters;

import java.util.List;
import java.util.Map;

/** A codec of a sent or received stream set; {@code channels} null for video and for audio that leaves it out. */
public record RtpCodecParameters(String mimeType, int payloadType, int clockRate, Integer channels,
        Map<String, ParameterValue> parameters, List<RtcpFeedback> rtcpFeedback) {

    public RtpCodecParameters {
        parameters = Parameters.copyOf(parameters);
        rtcpFeedback = List.copyOf(rtcpFeedback);
    }

    public boolean hasChannels() {
        return channels != null;
    }

    public RtpCodecParameters withChannels(Integer newChannels) {
        return new RtpCodecParameters(mimeType, payloadType, clockRate, newChannels, parameters, rtcpFeedback);
    }

    public RtpCodecParameters withRtcpFeedback(List<RtcpFeedback> feedback) {
        return new RtpCodecParameters(mimeType, payloadType, clockRate, channels, parameters, feedback);
    }
}
