package io.sluice.worker.router.ortc;

import io.sluice.worker.testsupport.ApiOrtc;
import static io.sluice.worker.router.ortc.ProducerFixtures.codec;
import static io.sluice.worker.router.ortc.ProducerFixtures.extension;
import static io.sluice.worker.router.ortc.ProducerFixtures.rtx;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.ParameterValue;
import io.sluice.api.v1.RtpCapabilities;
import io.sluice.api.v1.RtpCodecCapability;
import io.sluice.api.v1.RtpEncodingParameters;
import io.sluice.api.v1.RtpHeaderExtension;
import io.sluice.api.v1.RtpParameters;
import io.sluice.worker.router.SluiceException;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OrtcRtpParametersValidationTest {

    @Test
    void validProducerParametersComeBackNormalized() throws Exception {
        RtpParameters opus = ProducerFixtures.opus().toBuilder()
                .setCodecs(0, ProducerFixtures.opus().getCodecs(0).toBuilder().clearChannels())
                .build();
        RtpParameters noEncodings = ProducerFixtures.opus().toBuilder().clearEncodings().build();

        assertThat(ApiOrtc.validateRtpParameters(ProducerFixtures.simulcastVp8())).isEqualTo(ProducerFixtures.simulcastVp8());
        assertThat(ApiOrtc.validateRtpParameters(opus).getCodecs(0).getChannels()).isEqualTo(1);
        assertThat(ApiOrtc.validateRtpParameters(noEncodings).getEncodingsList())
                .containsExactly(RtpEncodingParameters.getDefaultInstance());
    }

    @Test
    void scalabilityModesOfWebRtcSvcSection4() {
        assertThat(ScalabilityMode.parse("L1T3")).contains(new ScalabilityMode(1, 3, false));
        assertThat(ScalabilityMode.parse("L3T3_KEY")).contains(new ScalabilityMode(3, 3, true));
        assertThat(ScalabilityMode.parse("L2T2_KEY_SHIFT")).contains(new ScalabilityMode(2, 2, true));
        assertThat(ScalabilityMode.parse("S3T3")).contains(new ScalabilityMode(3, 3, false));
        assertThat(ScalabilityMode.parse("S2T1h")).contains(new ScalabilityMode(2, 1, false));
        assertThat(ScalabilityMode.parse("L0T1")).isEmpty();
        assertThat(ScalabilityMode.parse("L1T3x")).isEmpty();
        assertThat(ScalabilityMode.parse("T3")).isEmpty();
        assertThat(ScalabilityMode.parseOrNone("")).isEqualTo(ScalabilityMode.NONE);
    }

    static Stream<Arguments> invalidParameters() {
        RtpParameters vp8 = ProducerFixtures.simulcastVp8();
        return Stream.of(
                invalid("no codecs", vp8.toBuilder().clearCodecs().build(), "rtp_parameters.codecs"),
                invalid("RTX repairing RTX", vp8.toBuilder().addCodecs(rtx(98, 97)).build(),
                        "rtp_parameters.codecs[2].parameters.apt"),
                invalid("only an RTX codec", vp8.toBuilder().clearCodecs().addCodecs(rtx(97, 97)).build(),
                        "rtp_parameters.codecs[0].parameters.apt"),
                invalid("duplicated payload type", vp8.toBuilder().addCodecs(codec("video/VP9", 96, 90000)).build(),
                        "rtp_parameters.codecs[2].payload_type"),
                invalid("RTX without apt", vp8.toBuilder().setCodecs(1, codec("video/rtx", 97, 90000)).build(),
                        "rtp_parameters.codecs[1].parameters.apt"),
                invalid("RTX apt to nothing", vp8.toBuilder().setCodecs(1, rtx(97, 100)).build(),
                        "rtp_parameters.codecs[1].parameters.apt"),
                invalid("apt as a string", vp8.toBuilder().setCodecs(1, rtx(97, 96).toBuilder()
                        .putParameters("apt", MediaCodecs.text("96"))).build(), "rtp_parameters.codecs[1].parameters.apt"),
                invalid("parameter without value", vp8.toBuilder().setCodecs(0, vp8.getCodecs(0).toBuilder()
                        .putParameters("x", ParameterValue.getDefaultInstance())).build(),
                        "rtp_parameters.codecs[0].parameters.x"),
                invalid("bad mime type", vp8.toBuilder().setCodecs(0, vp8.getCodecs(0).toBuilder().setMimeType("VP8")).build(),
                        "rtp_parameters.codecs[0].mime_type"),
                invalid("payload type over 7 bits", vp8.toBuilder().setCodecs(0, vp8.getCodecs(0).toBuilder().setPayloadType(200)).build(),
                        "rtp_parameters.codecs[0].payload_type"),
                invalid("missing clock rate", vp8.toBuilder().setCodecs(0, vp8.getCodecs(0).toBuilder().clearClockRate()).build(),
                        "rtp_parameters.codecs[0].clock_rate"),
                invalid("video channels", vp8.toBuilder().setCodecs(0, vp8.getCodecs(0).toBuilder().setChannels(2)).build(),
                        "rtp_parameters.codecs[0].channels"),
                invalid("feedback without type", vp8.toBuilder().setCodecs(0, vp8.getCodecs(0).toBuilder()
                        .setRtcpFeedback(0, ApiOrtc.api(SupportedRtpCapabilities.NACK).toBuilder().setType(""))).build(),
                        "rtp_parameters.codecs[0].rtcp_feedback[0].type"),
                invalid("extension id 0", vp8.toBuilder().setHeaderExtensions(0, extension(RtpHeaderExtensionUris.MID, 0)).build(),
                        "rtp_parameters.header_extensions[0].id"),
                invalid("extension id 256", vp8.toBuilder().setHeaderExtensions(0, extension(RtpHeaderExtensionUris.MID, 256)).build(),
                        "rtp_parameters.header_extensions[0].id"),
                invalid("duplicated extension id", vp8.toBuilder().setHeaderExtensions(1, extension(RtpHeaderExtensionUris.RTP_STREAM_ID, 4)).build(),
                        "rtp_parameters.header_extensions[1].id"),
                invalid("extension without URI", vp8.toBuilder().setHeaderExtensions(2, extension("", 11)).build(),
                        "rtp_parameters.header_extensions[2].uri"),
                invalid("encoding on an unknown codec", vp8.toBuilder().setEncodings(1, vp8.getEncodings(1).toBuilder().setCodecPayloadType(100)).build(),
                        "rtp_parameters.encodings[1].codec_payload_type"),
                invalid("encoding on RTX", vp8.toBuilder().setEncodings(1, vp8.getEncodings(1).toBuilder().setCodecPayloadType(97)).build(),
                        "rtp_parameters.encodings[1].codec_payload_type"),
                invalid("simulcast encoding without rid or ssrc", vp8.toBuilder().setEncodings(2, vp8.getEncodings(2).toBuilder().clearRid()).build(),
                        "rtp_parameters.encodings[2]"),
                invalid("lone encoding without rid, ssrc or mid", ProducerFixtures.opus().toBuilder().clearMid()
                        .setEncodings(0, RtpEncodingParameters.getDefaultInstance()).build(), "rtp_parameters.encodings[0]"),
                invalid("unknown scalability mode", vp8.toBuilder().setEncodings(0, vp8.getEncodings(0).toBuilder().setScalabilityMode("L1T3Q")).build(),
                        "rtp_parameters.encodings[0].scalability_mode"),
                invalid("spatial layers in simulcast", vp8.toBuilder().setEncodings(0, vp8.getEncodings(0).toBuilder().setScalabilityMode("L3T3")).build(),
                        "rtp_parameters.encodings[0].scalability_mode"));
    }

    private static Arguments invalid(String name, RtpParameters parameters, String field) {
        return Arguments.of(name, parameters, field);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidParameters")
    void malformedRtpParametersAreInvalidArgumentNamingTheField(String name, RtpParameters parameters, String field) {
        SluiceException error = catchThrowableOfType(SluiceException.class, () -> ApiOrtc.validateRtpParameters(parameters));

        assertThat(error).as(name).isNotNull();
        assertThat(error.code()).isEqualTo(SluiceException.Code.INVALID_ARGUMENT);
        assertThat(error.field()).isEqualTo(field);
    }

    @Test
    void remoteCapabilitiesComeBackNormalized() throws Exception {
        RtpCapabilities remote = RtpCapabilities.newBuilder()
                .addCodecs(RtpCodecCapability.newBuilder().setMimeType("audio/opus").setPreferredPayloadType(100)
                        .setClockRate(48000))
                .addCodecs(RtpCodecCapability.newBuilder().setMimeType("video/VP8").setPreferredPayloadType(101)
                        .setClockRate(90000).setChannels(1))
                .build();

        RtpCapabilities normalized = ApiOrtc.validateRtpCapabilities(remote);

        assertThat(normalized.getCodecs(0).getKind()).isEqualTo(MediaKind.AUDIO);
        assertThat(normalized.getCodecs(0).getChannels()).isEqualTo(1);
        assertThat(normalized.getCodecs(1).getKind()).isEqualTo(MediaKind.VIDEO);
        assertThat(normalized.getCodecs(1).hasChannels()).isFalse();
    }

    static Stream<Arguments> invalidCapabilities() {
        RtpCodecCapability vp8 = RtpCodecCapability.newBuilder().setMimeType("video/VP8").setPreferredPayloadType(101)
                .setClockRate(90000).build();
        RtpHeaderExtension mid = RtpHeaderExtension.newBuilder().setKind(MediaKind.VIDEO)
                .setUri(RtpHeaderExtensionUris.MID).setPreferredId(1).build();
        return Stream.of(
                capabilities("missing payload type", c -> c.setCodecs(0, vp8.toBuilder().clearPreferredPayloadType()),
                        "rtp_capabilities.codecs[0].preferred_payload_type"),
                capabilities("payload type over 7 bits", c -> c.setCodecs(0, vp8.toBuilder().setPreferredPayloadType(300)),
                        "rtp_capabilities.codecs[0].preferred_payload_type"),
                capabilities("bad mime type", c -> c.setCodecs(0, vp8.toBuilder().setMimeType("vp8")),
                        "rtp_capabilities.codecs[0].mime_type"),
                capabilities("missing clock rate", c -> c.setCodecs(0, vp8.toBuilder().clearClockRate()),
                        "rtp_capabilities.codecs[0].clock_rate"),
                capabilities("apt as a string", c -> c.setCodecs(0, vp8.toBuilder().putParameters("apt", MediaCodecs.text("1"))),
                        "rtp_capabilities.codecs[0].parameters.apt"),
                capabilities("extension without kind", c -> c.setHeaderExtensions(0, mid.toBuilder().clearKind()),
                        "rtp_capabilities.header_extensions[0].kind"),
                capabilities("extension without URI", c -> c.setHeaderExtensions(0, mid.toBuilder().clearUri()),
                        "rtp_capabilities.header_extensions[0].uri"),
                capabilities("extension without id", c -> c.setHeaderExtensions(0, mid.toBuilder().clearPreferredId()),
                        "rtp_capabilities.header_extensions[0].preferred_id"))
                .map(arguments -> {
                    Object[] values = arguments.get();
                    @SuppressWarnings("unchecked")
                    UnaryOperator<RtpCapabilities.Builder> edit = (UnaryOperator<RtpCapabilities.Builder>) values[1];
                    RtpCapabilities base = RtpCapabilities.newBuilder().addCodecs(vp8).addHeaderExtensions(mid).build();
                    return Arguments.of(values[0], edit.apply(base.toBuilder()).build(), values[2]);
                });
    }

    private static Arguments capabilities(String name, UnaryOperator<RtpCapabilities.Builder> edit, String field) {
        return Arguments.of(name, edit, field);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidCapabilities")
    void malformedRemoteCapabilitiesAreInvalidArgumentNamingTheField(String name, RtpCapabilities capabilities,
            String field) {
        SluiceException error = catchThrowableOfType(SluiceException.class, () -> ApiOrtc.validateRtpCapabilities(capabilities));

        assertThat(error).as(name).isNotNull();
        assertThat(error.code()).isEqualTo(SluiceException.Code.INVALID_ARGUMENT);
        assertThat(error.field()).isEqualTo(field);
    }
}
