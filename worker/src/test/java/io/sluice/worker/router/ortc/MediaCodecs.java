package io.sluice.worker.router.ortc;

import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.ParameterValue;
import io.sluice.api.v1.RtpCodecCapability;

/** Media codecs as an application lists them for a router, for tests. */
final class MediaCodecs {

    private MediaCodecs() {}

    static RtpCodecCapability.Builder audio(String mimeType, int clockRate, int channels) {
        return RtpCodecCapability.newBuilder()
                .setKind(MediaKind.AUDIO)
                .setMimeType(mimeType)
                .setClockRate(clockRate)
                .setChannels(channels);
    }

    static RtpCodecCapability opus() {
        return audio("audio/opus", 48000, 2).build();
    }

    static RtpCodecCapability.Builder video(String mimeType) {
        return RtpCodecCapability.newBuilder().setKind(MediaKind.VIDEO).setMimeType(mimeType).setClockRate(90000);
    }

    static RtpCodecCapability vp8() {
        return video("video/VP8").build();
    }

    static RtpCodecCapability vp9(int profileId) {
        return video("video/VP9").putParameters(CodecParameters.PROFILE_ID, number(profileId)).build();
    }

    static RtpCodecCapability h264(String profileLevelId, int packetizationMode) {
        return video("video/H264")
                .putParameters(CodecParameters.PROFILE_LEVEL_ID, text(profileLevelId))
                .putParameters(CodecParameters.PACKETIZATION_MODE, number(packetizationMode))
                .build();
    }

    static RtpCodecCapability av1() {
        return video("video/AV1").build();
    }

    static ParameterValue number(long value) {
        return ParameterValue.newBuilder().setIntValue(value).build();
    }

    static ParameterValue text(String value) {
        return ParameterValue.newBuilder().setStringValue(value).build();
    }
}
