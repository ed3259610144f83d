package io.sluice.worker.router.ortc;

import io.sluice.worker.control.mapping.RtpParametersMapper;
import io.sluice.worker.testsupport.ApiOrtc;
import static io.sluice.worker.router.ortc.MediaCodecs.audio;
import static io.sluice.worker.router.ortc.MediaCodecs.av1;
import static io.sluice.worker.router.ortc.MediaCodecs.h264;
import static io.sluice.worker.router.ortc.MediaCodecs.number;
import static io.sluice.worker.router.ortc.MediaCodecs.opus;
import static io.sluice.worker.router.ortc.MediaCodecs.text;
import static io.sluice.worker.router.ortc.MediaCodecs.video;
import static io.sluice.worker.router.ortc.MediaCodecs.vp8;
import static io.sluice.worker.router.ortc.MediaCodecs.vp9;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.ParameterValue;
import io.sluice.api.v1.RtpCapabilities;
import io.sluice.api.v1.RtpCodecCapability;
import io.sluice.api.v1.RtpHeaderExtension;
import io.sluice.worker.router.SluiceException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OrtcRouterCapabilitiesTest {

    /** Each supported codec, asked for as an application would (no payload type, no RTCP feedback). */
    static Stream<RtpCodecCapability> everySupportedCodec() {
        return ApiOrtc.api(SupportedRtpCapabilities.get()).getCodecsList().stream()
                .map(codec -> codec.toBuilder().clearPreferredPayloadType().clearRtcpFeedback().build());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everySupportedCodec")
    void everySupportedCodecAloneGivesItsCapabilityWithRtxForVideo(RtpCodecCapability mediaCodec) throws Exception {
        RtpCapabilities capabilities = ApiOrtc.generateRouterRtpCapabilities(List.of(mediaCodec));

        RtpCodecCapability supported = ApiOrtc.api(SupportedRtpCapabilities.get()).getCodecsList().stream()
                .filter(codec -> CodecMatcher.matches(RtpParametersMapper.toDomain(mediaCodec), RtpParametersMapper.toDomain(codec), false))
                .findFirst().orElseThrow();
        int expectedPayloadType = supported.hasPreferredPayloadType() ? supported.getPreferredPayloadType() : 100;
        RtpCodecCapability codec = capabilities.getCodecs(0);
        assertThat(codec).isEqualTo(supported.toBuilder().setPreferredPayloadType(expectedPayloadType).build());
        if (mediaCodec.getKind() == MediaKind.VIDEO) {
            assertThat(capabilities.getCodecsCount()).isEqualTo(2);
            RtpCodecCapability rtx = capabilities.getCodecs(1);
            assertThat(rtx.getMimeType()).isEqualTo("video/rtx");
            assertThat(rtx.getKind()).isEqualTo(MediaKind.VIDEO);
            assertThat(rtx.getClockRate()).isEqualTo(90000);
            assertThat(rtx.getPreferredPayloadType()).isEqualTo(101);
            assertThat(rtx.getParametersMap()).containsExactly(java.util.Map.entry("apt", number(100)));
            assertThat(rtx.getRtcpFeedbackList()).isEmpty();
            assertThat(rtx.hasChannels()).isFalse();
        } else {
            assertThat(capabilities.getCodecsCount()).isEqualTo(1);
            assertThat(codec.hasChannels()).isTrue();
        }
        assertThat(capabilities.getHeaderExtensionsList())
                .isNotEmpty()
                .allMatch(extension -> extension.getKind() == mediaCodec.getKind())
                .containsExactlyElementsOf(ApiOrtc.api(SupportedRtpCapabilities.get()).getHeaderExtensionsList().stream()
                        .filter(extension -> extension.getKind() == mediaCodec.getKind())
                        .toList());
    }

    @Test
    void typicalBrowserSetGetsPayloadTypesFrom100InOrder() throws Exception {
        RtpCapabilities capabilities = ApiOrtc.generateRouterRtpCapabilities(List.of(
                opus(), vp8(), vp9(0), vp9(2), h264("42e01f", 1), h264("42e01f", 0), h264("4d001f", 1), av1()));

        assertThat(capabilities.getCodecsList().stream().map(OrtcRouterCapabilitiesTest::summary).toList())
                .containsExactly(
                        "100 audio/opus",
                        "101 video/VP8", "102 video/rtx apt=101",
                        "103 video/VP9 profile-id=0", "104 video/rtx apt=103",
                        "105 video/VP9 profile-id=2", "106 video/rtx apt=105",
                        "107 video/H264 level-asymmetry-allowed=1 packetization-mode=1 profile-level-id=42e01f",
                        "108 video/rtx apt=107",
                        "109 video/H264 level-asymmetry-allowed=1 packetization-mode=0 profile-level-id=42e01f",
                        "110 video/rtx apt=109",
                        "111 video/H264 level-asymmetry-allowed=1 packetization-mode=1 profile-level-id=4d001f",
                        "112 video/rtx apt=111",
                        "113 video/AV1", "114 video/rtx apt=113");
        assertThat(capabilities.getCodecs(0).getRtcpFeedbackList().stream().map(SupportedRtpCapabilitiesTest::feedback))
                .containsExactly("nack", "transport-cc");
        assertThat(capabilities.getCodecs(1).getRtcpFeedbackList().stream().map(SupportedRtpCapabilitiesTest::feedback))
                .containsExactly("nack", "nack pli", "ccm fir", "goog-remb", "transport-cc");
        assertThat(capabilities.getHeaderExtensionsList())
                .containsExactlyElementsOf(ApiOrtc.api(SupportedRtpCapabilities.get()).getHeaderExtensionsList());
    }

    @Test
    void staticPayloadTypesAreKeptAndDynamicOnesSkipNothingElse() throws Exception {
        RtpCapabilities capabilities = ApiOrtc.generateRouterRtpCapabilities(List.of(
                audio("audio/PCMU", 8000, 1).build(),
                audio("audio/PCMA", 8000, 1).build(),
                audio("audio/G722", 8000, 1).build(),
                audio("audio/CN", 8000, 1).build(),
                audio("audio/telephone-event", 8000, 1).build(),
                opus()));

        assertThat(capabilities.getCodecsList().stream().map(OrtcRouterCapabilitiesTest::summary).toList())
                .containsExactly("0 audio/PCMU", "8 audio/PCMA", "9 audio/G722", "13 audio/CN",
                        "100 audio/telephone-event", "101 audio/opus");
        assertThat(capabilities.getHeaderExtensionsList()).allMatch(extension -> extension.getKind() == MediaKind.AUDIO);
    }

    @Test
    void preferredPayloadTypesAreHonoredAndReservedBeforeDynamicAllocation() throws Exception {
        RtpCapabilities capabilities = ApiOrtc.generateRouterRtpCapabilities(List.of(
                vp8(),
                opus().toBuilder().setPreferredPayloadType(111).build(),
                h264("42e01f", 1).toBuilder().setPreferredPayloadType(100).build(),
                audio("audio/PCMU", 8000, 1).setPreferredPayloadType(107).build(),
                vp9(0).toBuilder().setPreferredPayloadType(35).build()));

        assertThat(capabilities.getCodecsList().stream().map(OrtcRouterCapabilitiesTest::summary).toList())
                .containsExactly(
                        "101 video/VP8", "102 video/rtx apt=101",
                        "111 audio/opus",
                        "100 video/H264 level-asymmetry-allowed=1 packetization-mode=1 profile-level-id=42e01f",
                        "103 video/rtx apt=100",
                        "107 audio/PCMU",
                        "35 video/VP9 profile-id=0", "104 video/rtx apt=35");
    }

    @Test
    void theSameCodecTwiceGetsTwoPayloadTypes() throws Exception {
        RtpCapabilities capabilities = ApiOrtc.generateRouterRtpCapabilities(List.of(vp8(), opus(), vp8(), opus()));

        assertThat(capabilities.getCodecsList().stream().map(OrtcRouterCapabilitiesTest::summary).toList())
                .containsExactly("100 video/VP8", "101 video/rtx apt=100", "102 audio/opus",
                        "103 video/VP8", "104 video/rtx apt=103", "105 audio/opus");
    }

    @Test
    void applicationParametersOverrideTheTablesAndMimeTypeTakesTheTablesSpelling() throws Exception {
        RtpCodecCapability h264 = video("video/h264")
                .setKind(MediaKind.MEDIA_KIND_UNSPECIFIED)
                .putParameters("level-asymmetry-allowed", number(0))
                .putParameters("x-google-start-bitrate", number(1000))
                .build();
        RtpCodecCapability opus = opus().toBuilder()
                .putParameters("useinbandfec", number(1))
                .putParameters("foo", text("bar"))
                .build();

        RtpCapabilities capabilities = ApiOrtc.generateRouterRtpCapabilities(List.of(h264, opus));

        assertThat(summary(capabilities.getCodecs(0)))
                .isEqualTo("100 video/H264 level-asymmetry-allowed=0 x-google-start-bitrate=1000");
        assertThat(capabilities.getCodecs(0).getKind()).isEqualTo(MediaKind.VIDEO);
        assertThat(summary(capabilities.getCodecs(2))).isEqualTo("102 audio/opus foo=bar useinbandfec=1");
    }

    @Test
    void audioWithoutChannelsIsMono() throws Exception {
        RtpCapabilities capabilities = ApiOrtc.generateRouterRtpCapabilities(
                List.of(audio("audio/PCMA", 8000, 1).clearChannels().build()));

        assertThat(capabilities.getCodecs(0).getChannels()).isEqualTo(1);
    }

    @Test
    void all32DynamicPayloadTypesCanBeUsedThenResourceExhausted() throws Exception {
        List<RtpCodecCapability> sixteenVideoCodecs = Collections.nCopies(16, vp8());
        RtpCapabilities full = ApiOrtc.generateRouterRtpCapabilities(sixteenVideoCodecs);
        assertThat(full.getCodecsList().stream().map(RtpCodecCapability::getPreferredPayloadType).toList())
                .containsExactlyInAnyOrderElementsOf(
                        java.util.stream.IntStream.rangeClosed(96, 127).boxed().toList());
        assertThat(full.getCodecs(28).getPreferredPayloadType()).isEqualTo(96);

        List<RtpCodecCapability> tooMany = new ArrayList<>(sixteenVideoCodecs);
        tooMany.add(opus());
        SluiceException error = catchThrowableOfType(SluiceException.class,
                () -> ApiOrtc.generateRouterRtpCapabilities(tooMany));
        assertThat(error.code()).isEqualTo(SluiceException.Code.RESOURCE_EXHAUSTED);
        assertThat(error.getMessage()).contains("media_codecs[16]");

        List<RtpCodecCapability> fixedAudioFitsBeside = new ArrayList<>(sixteenVideoCodecs);
        fixedAudioFitsBeside.add(audio("audio/PCMU", 8000, 1).build());
        fixedAudioFitsBeside.add(opus().toBuilder().setPreferredPayloadType(111).build());
        SluiceException preferredTakesADynamicOne = catchThrowableOfType(SluiceException.class,
                () -> ApiOrtc.generateRouterRtpCapabilities(fixedAudioFitsBeside));
        assertThat(preferredTakesADynamicOne.code()).isEqualTo(SluiceException.Code.RESOURCE_EXHAUSTED);
        assertThat(ApiOrtc.generateRouterRtpCapabilities(fixedAudioFitsBeside.subList(0, 17)).getCodecsCount())
                .isEqualTo(33);
    }

    static Stream<Arguments> invalidMediaCodecs() {
        RtpCodecCapability vp8 = vp8();
        return Stream.of(
                invalid("missing mime type", vp8.toBuilder().clearMimeType().build(), "media_codecs[1].mime_type"),
                invalid("mime type without kind", vp8.toBuilder().setMimeType("VP8").build(), "media_codecs[1].mime_type"),
                invalid("mime type of another kind", vp8.toBuilder().setMimeType("text/VP8").build(), "media_codecs[1].mime_type"),
                invalid("mime type without subtype", vp8.toBuilder().setMimeType("video/").build(), "media_codecs[1].mime_type"),
                invalid("rtx", vp8.toBuilder().setMimeType("video/rtx").build(), "media_codecs[1].mime_type"),
                invalid("kind against mime type", vp8.toBuilder().setKind(MediaKind.AUDIO).build(), "media_codecs[1].kind"),
                invalid("unknown kind", vp8.toBuilder().setKindValue(7).build(), "media_codecs[1].kind"),
                invalid("missing clock rate", vp8.toBuilder().clearClockRate().build(), "media_codecs[1].clock_rate"),
                invalid("zero audio channels", audio("audio/opus", 48000, 0).build(), "media_codecs[1].channels"),
                invalid("video channels", vp8.toBuilder().setChannels(1).build(), "media_codecs[1].channels"),
                invalid("payload type over 7 bits", vp8.toBuilder().setPreferredPayloadType(128).build(),
                        "media_codecs[1].preferred_payload_type"),
                invalid("payload type in the RTCP range", vp8.toBuilder().setPreferredPayloadType(72).build(),
                        "media_codecs[1].preferred_payload_type"),
                invalid("apt as a string", vp8.toBuilder().putParameters("apt", text("100")).build(),
                        "media_codecs[1].parameters.apt"),
                invalid("packetization-mode 3", h264("42e01f", 3), "media_codecs[1].parameters.packetization-mode"),
                invalid("packetization-mode as a string",
                        h264("42e01f", 1).toBuilder().putParameters("packetization-mode", text("1")).build(),
                        "media_codecs[1].parameters.packetization-mode"),
                invalid("level-asymmetry-allowed 2",
                        h264("42e01f", 1).toBuilder().putParameters("level-asymmetry-allowed", number(2)).build(),
                        "media_codecs[1].parameters.level-asymmetry-allowed"),
                invalid("unknown profile-level-id", h264("ff001f", 1), "media_codecs[1].parameters.profile-level-id"),
                invalid("profile-level-id as a number",
                        h264("42e01f", 1).toBuilder().putParameters("profile-level-id", number(0x42e01f)).build(),
                        "media_codecs[1].parameters.profile-level-id"),
                invalid("VP9 profile-id 4", vp9(4), "media_codecs[1].parameters.profile-id"),
                invalid("parameter without value",
                        vp8.toBuilder().putParameters("x", ParameterValue.getDefaultInstance()).build(),
                        "media_codecs[1].parameters.x"),
                invalid("empty parameter name", vp8.toBuilder().putParameters("", number(1)).build(),
                        "media_codecs[1].parameters"));
    }

    private static Arguments invalid(String name, RtpCodecCapability codec, String field) {
        return Arguments.of(name, codec, field);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidMediaCodecs")
    void malformedMediaCodecIsInvalidArgumentNamingTheField(String name, RtpCodecCapability codec, String field) {
        SluiceException error = catchThrowableOfType(SluiceException.class,
                () -> ApiOrtc.generateRouterRtpCapabilities(List.of(opus(), codec)));

        assertThat(error).as(name).isNotNull();
        assertThat(error.code()).isEqualTo(SluiceException.Code.INVALID_ARGUMENT);
        assertThat(error.field()).isEqualTo(field);
    }

    @Test
    void noMediaCodecsIsInvalidArgument() {
        for (List<RtpCodecCapability> none : java.util.Arrays.asList(List.<RtpCodecCapability>of(), null)) {
            SluiceException error = catchThrowableOfType(SluiceException.class,
                    () -> ApiOrtc.generateRouterRtpCapabilities(none));
            assertThat(error.code()).isEqualTo(SluiceException.Code.INVALID_ARGUMENT);
            assertThat(error.field()).isEqualTo("media_codecs");
        }
    }

    @Test
    void twoCodecsOnOnePayloadTypeAreInvalidArgument() {
        SluiceException samePreference = catchThrowableOfType(SluiceException.class,
                () -> ApiOrtc.generateRouterRtpCapabilities(List.of(
                        vp8().toBuilder().setPreferredPayloadType(96).build(),
                        vp9(0).toBuilder().setPreferredPayloadType(96).build())));
        assertThat(samePreference.code()).isEqualTo(SluiceException.Code.INVALID_ARGUMENT);
        assertThat(samePreference.field()).isEqualTo("media_codecs[1].preferred_payload_type");
        assertThat(samePreference.getMessage()).contains("96", "video/VP9", "media_codecs[0]");

        SluiceException sameStatic = catchThrowableOfType(SluiceException.class,
                () -> ApiOrtc.generateRouterRtpCapabilities(List.of(
                        audio("audio/CN", 8000, 1).build(), audio("audio/CN", 16000, 1).build())));
        assertThat(sameStatic.code()).isEqualTo(SluiceException.Code.INVALID_ARGUMENT);
        assertThat(sameStatic.field()).isEqualTo("media_codecs[1]");

        SluiceException preferenceOnStatic = catchThrowableOfType(SluiceException.class,
                () -> ApiOrtc.generateRouterRtpCapabilities(List.of(
                        audio("audio/PCMU", 8000, 1).build(), opus().toBuilder().setPreferredPayloadType(0).build())));
        assertThat(preferenceOnStatic.field()).isEqualTo("media_codecs[1].preferred_payload_type");
    }

    static Stream<Arguments> unsupportedMediaCodecs() {
        return Stream.of(
                Arguments.of(video("video/H265").build(), "video/H265"),
                Arguments.of(video("video/H264-SVC").build(), "video/H264-SVC"),
                Arguments.of(video("video/VP8").setClockRate(48000).build(), "video/VP8"),
                Arguments.of(audio("audio/opus", 44100, 2).build(), "audio/opus"),
                Arguments.of(audio("audio/opus", 48000, 1).build(), "audio/opus"),
                Arguments.of(audio("audio/multiopus", 48000, 6).build(), "audio/multiopus"),
                Arguments.of(audio("audio/AAC", 48000, 2).build(), "audio/AAC"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("unsupportedMediaCodecs")
    void codecOutsideTheTableIsUnsupportedNamedByMimeType(RtpCodecCapability codec, String mimeType) {
        SluiceException error = catchThrowableOfType(SluiceException.class,
                () -> ApiOrtc.generateRouterRtpCapabilities(List.of(opus(), codec)));

        assertThat(error.code()).isEqualTo(SluiceException.Code.UNSUPPORTED);
        assertThat(error.field()).isEqualTo("media_codecs[1].mime_type");
        assertThat(error.getMessage()).contains("mimeType:" + mimeType, "clockRate:" + codec.getClockRate());
    }

    @Test
    void multiopusWithItsLayoutIsSupported() throws Exception {
        RtpCodecCapability surround = audio("audio/multiopus", 48000, 6)
                .putParameters("num_streams", number(4))
                .putParameters("coupled_streams", number(2))
                .putParameters("channel_mapping", text("0,4,1,2,3,5"))
                .build();

        assertThat(summary(ApiOrtc.generateRouterRtpCapabilities(List.of(surround)).getCodecs(0)))
                .isEqualTo("100 audio/multiopus channel_mapping=0,4,1,2,3,5 coupled_streams=2 num_streams=4");
        assertThatThrownBy(() -> ApiOrtc.generateRouterRtpCapabilities(
                List.of(surround.toBuilder().putParameters("num_streams", text("4")).build())))
                .isInstanceOf(SluiceException.class);
    }

    @Test
    void headerExtensionsFollowTheKindsPresent() throws Exception {
        List<RtpHeaderExtension> videoOnly = ApiOrtc.generateRouterRtpCapabilities(List.of(av1())).getHeaderExtensionsList();

        assertThat(videoOnly).extracting(RtpHeaderExtension::getUri)
                .contains(RtpHeaderExtensionUris.DEPENDENCY_DESCRIPTOR, RtpHeaderExtensionUris.RTP_STREAM_ID)
                .doesNotContain(RtpHeaderExtensionUris.SSRC_AUDIO_LEVEL);
    }

    /** "pt mimeType key=value..." with parameters sorted, for compact assertions. */
    static String summary(RtpCodecCapability codec) {
        StringBuilder summary = new StringBuilder().append(codec.getPreferredPayloadType()).append(' ')
                .append(codec.getMimeType());
        new java.util.TreeMap<>(codec.getParametersMap()).forEach((key, value) -> summary.append(' ').append(key)
                .append('=').append(value.hasIntValue() ? String.valueOf(value.getIntValue()) : value.getStringValue()));
        return summary.toString();
    }
}
