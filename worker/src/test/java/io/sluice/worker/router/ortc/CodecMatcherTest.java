package io.sluice.worker.router.ortc;

import io.sluice.worker.control.mapping.RtpParametersMapper;
import static io.sluice.worker.router.ortc.MediaCodecs.audio;
import static io.sluice.worker.router.ortc.MediaCodecs.h264;
import static io.sluice.worker.router.ortc.MediaCodecs.number;
import static io.sluice.worker.router.ortc.MediaCodecs.video;
import static io.sluice.worker.router.ortc.MediaCodecs.vp9;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.v1.RtpCodecCapability;
import org.junit.jupiter.api.Test;

class CodecMatcherTest {

    @Test
    void mimeTypeIsCaseInsensitiveAndClockRateMustMatch() {
        assertThat(matches(video("video/vp8").build(), video("video/VP8").build(), true)).isTrue();
        assertThat(matches(video("video/VP8").setClockRate(48000).build(), video("video/VP8").build(), false))
                .isFalse();
        assertThat(matches(video("video/VP8").build(), video("video/VP9").build(), false)).isFalse();
    }

    @Test
    void audioWithoutChannelsIsMono() {
        RtpCodecCapability pcmuWithoutChannels = audio("audio/PCMU", 8000, 1).clearChannels().build();
        assertThat(matches(pcmuWithoutChannels, audio("audio/PCMU", 8000, 1).build(), false)).isTrue();
        assertThat(matches(pcmuWithoutChannels, audio("audio/PCMU", 8000, 2).build(), false)).isFalse();
    }

    @Test
    void multiopusMatchesOnItsStreamLayout() {
        RtpCodecCapability quad = audio("audio/multiopus", 48000, 4)
                .putParameters("num_streams", number(2)).putParameters("coupled_streams", number(2)).build();
        RtpCodecCapability otherLayout = quad.toBuilder().putParameters("coupled_streams", number(1)).build();
        RtpCodecCapability asStrings = quad.toBuilder().putParameters("num_streams", MediaCodecs.text("2")).build();
        assertThat(matches(quad, quad.toBuilder().build(), false)).isTrue();
        assertThat(matches(quad, otherLayout, false)).isFalse();
        assertThat(matches(quad, asStrings, false)).isFalse();
    }

    /** RFC 6184 section 8.1: packetization-mode (0 when absent) and profile must agree; levels may differ. */
    @Test
    void rfc6184_section8_1_strictH264MatchComparesPacketizationModeAndProfile() {
        RtpCodecCapability mode1 = h264("42e01f", 1);
        assertThat(matches(mode1, h264("42e034", 1), true)).isTrue();
        assertThat(matches(mode1, h264("42e01f", 0), true)).isFalse();
        assertThat(matches(mode1, h264("4d001f", 1), true)).isFalse();
        assertThat(matches(mode1, h264("4d001f", 1), false)).isTrue();
        RtpCodecCapability noParameters = video("video/H264").build();
        assertThat(matches(noParameters, h264("42e01f", 0), true)).isTrue();
        assertThat(matches(noParameters, h264("42001f", 0), true)).isFalse();
    }

    /** RFC 9628 section 6: profile-id 0 when absent. */
    @Test
    void rfc9628_section6_strictVp9MatchComparesProfileId() {
        assertThat(matches(vp9(0), video("video/VP9").build(), true)).isTrue();
        assertThat(matches(vp9(2), vp9(0), true)).isFalse();
        assertThat(matches(vp9(2), vp9(0), false)).isTrue();
    }

    @Test
    void rtxIsRecognizedByItsSubtype() {
        assertThat(CodecMatcher.isRtx("video/rtx")).isTrue();
        assertThat(CodecMatcher.isRtx("audio/RTX")).isTrue();
        assertThat(CodecMatcher.isRtx("video/rtxx")).isFalse();
        assertThat(CodecMatcher.isRtx("/rtx")).isFalse();
    }

    /** Matching as the router does it, on its records of the API's codecs. */
    private static boolean matches(RtpCodecCapability a, RtpCodecCapability b, boolean strict) {
        return CodecMatcher.matches(RtpParametersMapper.toDomain(a), RtpParametersMapper.toDomain(b), strict);
    }
}
