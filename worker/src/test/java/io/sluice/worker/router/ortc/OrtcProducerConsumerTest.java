package io.sluice.worker.router.ortc;

import io.sluice.worker.testsupport.ApiOrtc;
import static io.sluice.worker.router.ortc.ProducerFixtures.codec;
import static io.sluice.worker.router.ortc.ProducerFixtures.extension;
import static io.sluice.worker.router.ortc.ProducerFixtures.rtx;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.RtcpParameters;
import io.sluice.api.v1.RtpCapabilities;
import io.sluice.api.v1.RtpCodecCapability;
import io.sluice.api.v1.RtpCodecParameters;
import io.sluice.api.v1.RtpEncodingParameters;
import io.sluice.api.v1.RtpHeaderExtension;
import io.sluice.api.v1.RtpHeaderExtensionParameters;
import io.sluice.api.v1.RtpParameters;
import io.sluice.api.v1.RtxParameters;
import io.sluice.worker.router.SluiceException;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class OrtcProducerConsumerTest {

    private final RtpCapabilities router = ProducerFixtures.router();

    OrtcProducerConsumerTest() throws SluiceException {}

    @Test
    void simulcastProducerMapsPayloadTypesToTheRoutersAndEncodingsToConsecutiveSsrcs() throws Exception {
        RtpMapping mapping = ApiOrtc.getProducerRtpParametersMapping(
                ProducerFixtures.simulcastVp8(), router, new FixedRandom(500_000_000L));

        assertThat(mapping.codecs()).containsExactly(
                new RtpMapping.CodecMapping(96, 101), new RtpMapping.CodecMapping(97, 102));
        assertThat(mapping.encodings()).containsExactly(
                new RtpMapping.EncodingMapping(OptionalLong.empty(), "r0", 500_000_000L),
                new RtpMapping.EncodingMapping(OptionalLong.empty(), "r1", 500_000_001L),
                new RtpMapping.EncodingMapping(OptionalLong.empty(), "r2", 500_000_002L));
        assertThat(mapping.mappedPayloadType(97)).isEqualTo(102);
        assertThat(mapping.mappedPayloadType(35)).isEqualTo(-1);
    }

    @Test
    void consumableParametersCarryTheRoutersCodecsAndSendableExtensionsWithMappedSsrcs() throws Exception {
        RtpParameters producer = ProducerFixtures.simulcastVp8();
        RtpMapping mapping = ApiOrtc.getProducerRtpParametersMapping(producer, router, new FixedRandom(500_000_000L));

        RtpParameters consumable = ApiOrtc.getConsumableRtpParameters(MediaKind.VIDEO, producer, router, mapping);

        assertThat(consumable.getCodecsList()).containsExactly(
                codec("video/VP8", 101, 90000).addAllRtcpFeedback(router.getCodecs(1).getRtcpFeedbackList()).build(),
                rtx(102, 101));
        assertThat(consumable.getHeaderExtensionsList()).containsExactly(
                routerExtension(RtpHeaderExtensionUris.MID, 1),
                routerExtension(RtpHeaderExtensionUris.ABS_SEND_TIME, 4),
                routerExtension(RtpHeaderExtensionUris.TRANSPORT_WIDE_CC_01, 5),
                routerExtension(RtpHeaderExtensionUris.VIDEO_ORIENTATION, 8),
                routerExtension(RtpHeaderExtensionUris.TOFFSET, 9),
                routerExtension(RtpHeaderExtensionUris.PLAYOUT_DELAY, 11));
        assertThat(consumable.getEncodingsList()).containsExactly(
                RtpEncodingParameters.newBuilder().setSsrc(500_000_000).setScalabilityMode("L1T3").setMaxBitrate(100_000).build(),
                RtpEncodingParameters.newBuilder().setSsrc(500_000_001).setScalabilityMode("L1T3").setMaxBitrate(300_000).build(),
                RtpEncodingParameters.newBuilder().setSsrc(500_000_002).setScalabilityMode("L1T3").setMaxBitrate(900_000).build());
        assertThat(consumable.getRtcp())
                .isEqualTo(RtcpParameters.newBuilder().setCname("chromium-cname").setReducedSize(true).build());
        assertThat(consumable.getMsid()).isEqualTo("stream-1 track-1");
        assertThat(consumable.getMid()).isEmpty();
    }

    @Test
    void consumableParametersRefuseAMappingMadeForOtherParameters() throws Exception {
        RtpMapping simulcastMapping = ApiOrtc.getProducerRtpParametersMapping(
                ProducerFixtures.simulcastVp8(), router, new FixedRandom(500_000_000L));

        assertThatThrownBy(() -> ApiOrtc.getConsumableRtpParameters(
                        MediaKind.AUDIO, ProducerFixtures.opus(), router, simulcastMapping))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void absCaptureTimeIsAnnouncedOnlyWhenTheProducerSendsIt() throws Exception {
        RtpParameters producer = ProducerFixtures.simulcastVp8().toBuilder()
                .addHeaderExtensions(extension(RtpHeaderExtensionUris.ABS_CAPTURE_TIME, 7))
                .build();
        RtpMapping mapping = ApiOrtc.getProducerRtpParametersMapping(producer, router, new FixedRandom(500_000_000L));

        RtpParameters consumable = ApiOrtc.getConsumableRtpParameters(MediaKind.VIDEO, producer, router, mapping);

        assertThat(consumable.getHeaderExtensionsList())
                .contains(routerExtension(RtpHeaderExtensionUris.ABS_CAPTURE_TIME, 10));
    }

    @Test
    void audioProducerKeepsItsCodecParametersSsrcAndDtx() throws Exception {
        RtpParameters producer = ApiOrtc.validateRtpParameters(ProducerFixtures.opus());
        RtpMapping mapping = ApiOrtc.getProducerRtpParametersMapping(producer, router, new FixedRandom(123_456_789L));

        RtpParameters consumable = ApiOrtc.getConsumableRtpParameters(MediaKind.AUDIO, producer, router, mapping);

        assertThat(mapping.codecs()).containsExactly(new RtpMapping.CodecMapping(111, 100));
        assertThat(mapping.encodings()).containsExactly(
                new RtpMapping.EncodingMapping(OptionalLong.of(0xcafe_f00dL), "", 123_456_789L));
        assertThat(consumable.getCodecsList()).containsExactly(codec("audio/opus", 100, 48000).setChannels(2)
                .putParameters("minptime", MediaCodecs.number(10))
                .putParameters("useinbandfec", MediaCodecs.number(1))
                .addRtcpFeedback(ApiOrtc.api(SupportedRtpCapabilities.NACK))
                .addRtcpFeedback(ApiOrtc.api(SupportedRtpCapabilities.TRANSPORT_CC))
                .build());
        assertThat(consumable.getHeaderExtensionsList()).extracting(RtpHeaderExtensionParameters::getUri).containsExactly(
                RtpHeaderExtensionUris.MID, RtpHeaderExtensionUris.ABS_SEND_TIME, RtpHeaderExtensionUris.SSRC_AUDIO_LEVEL,
                RtpHeaderExtensionUris.PLAYOUT_DELAY);
        assertThat(consumable.getEncodingsList()).containsExactly(
                RtpEncodingParameters.newBuilder().setSsrc(123_456_789).setDtx(true).build());
    }

    /** RFC 6184 section 8.2.2: the consumable profile-level-id is the answer to the router's 42e01f. */
    @Test
    void rfc6184_section8_2_2_h264ProducerProfileLevelIdIsAnsweredAgainstTheRouters() throws Exception {
        assertThat(consumableProfileLevelId("42e034", true)).isEqualTo("42e034");
        assertThat(consumableProfileLevelId("42e034", false)).isEqualTo("42e01f");
        assertThat(consumableProfileLevelId("42c01f", true)).isEqualTo("42e01f");
        assertThat(consumableProfileLevelId("42e00a", false)).isEqualTo("42e00a");
    }

    private String consumableProfileLevelId(String producerProfileLevelId, boolean levelAsymmetryAllowed)
            throws SluiceException {
        RtpCodecParameters.Builder h264 = codec("video/H264", 102, 90000)
                .putParameters("packetization-mode", MediaCodecs.number(1))
                .putParameters("profile-level-id", MediaCodecs.text(producerProfileLevelId));
        if (levelAsymmetryAllowed) {
            h264.putParameters("level-asymmetry-allowed", MediaCodecs.number(1));
        }
        RtpParameters producer = ProducerFixtures.simulcastVp8().toBuilder()
                .setCodecs(0, h264).setCodecs(1, rtx(103, 102)).build();
        RtpMapping mapping = ApiOrtc.getProducerRtpParametersMapping(producer, router, new FixedRandom(500_000_000L));
        assertThat(mapping.codecs()).containsExactly(
                new RtpMapping.CodecMapping(102, 105), new RtpMapping.CodecMapping(103, 106));
        RtpParameters consumable = ApiOrtc.getConsumableRtpParameters(MediaKind.VIDEO, producer, router, mapping);
        return consumable.getCodecs(0).getParametersMap().get("profile-level-id").getStringValue();
    }

    @Test
    void producerCodecsTheRouterCannotRouteAreUnsupported() {
        RtpParameters vp8 = ProducerFixtures.simulcastVp8();
        List<RtpCodecParameters> unroutable = List.of(
                codec("video/H264", 96, 90000).putParameters("packetization-mode", MediaCodecs.number(0))
                        .putParameters("profile-level-id", MediaCodecs.text("42e01f")).build(),
                codec("video/H264", 96, 90000).putParameters("packetization-mode", MediaCodecs.number(1))
                        .putParameters("profile-level-id", MediaCodecs.text("4d001f")).build(),
                codec("video/VP9", 96, 90000).putParameters("profile-id", MediaCodecs.number(2)).build(),
                codec("video/VP8", 96, 48000).build());
        for (RtpCodecParameters codec : unroutable) {
            SluiceException error = catchThrowableOfType(SluiceException.class, () -> ApiOrtc.getProducerRtpParametersMapping(
                    vp8.toBuilder().setCodecs(0, codec).build(), router, new FixedRandom(500_000_000L)));
            assertThat(error.code()).as(codec.toString()).isEqualTo(SluiceException.Code.UNSUPPORTED);
            assertThat(error.field()).isEqualTo("rtp_parameters.codecs[0]");
            assertThat(error.getMessage()).contains("mimeType:" + codec.getMimeType(), "payloadType:96");
        }
    }

    @Test
    void producerRtxNeedsAMediaCodecAndRtxInTheRouter() {
        RtpCapabilities routerWithoutRtx = router.toBuilder().clearCodecs()
                .addAllCodecs(router.getCodecsList().stream()
                        .filter(codec -> !CodecMatcher.isRtx(codec.getMimeType())).toList())
                .build();
        SluiceException noRouterRtx = catchThrowableOfType(SluiceException.class, () -> ApiOrtc.getProducerRtpParametersMapping(
                ProducerFixtures.simulcastVp8(), routerWithoutRtx, new FixedRandom(500_000_000L)));
        assertThat(noRouterRtx.code()).isEqualTo(SluiceException.Code.UNSUPPORTED);
        assertThat(noRouterRtx.field()).isEqualTo("rtp_parameters.codecs[1]");

        RtpParameters orphanRtx = ProducerFixtures.simulcastVp8().toBuilder().setCodecs(1, rtx(97, 99)).build();
        SluiceException noMedia = catchThrowableOfType(SluiceException.class, () -> ApiOrtc.getProducerRtpParametersMapping(
                orphanRtx, router, new FixedRandom(500_000_000L)));
        assertThat(noMedia.code()).isEqualTo(SluiceException.Code.INVALID_ARGUMENT);
        assertThat(noMedia.field()).isEqualTo("rtp_parameters.codecs[1].parameters.apt");
    }

    /** What mediasoup-client's device.rtpCapabilities says a Chromium can receive from this router. */
    static RtpCapabilities chromiumReceiving(boolean transportCc, boolean absSendTime) {
        RtpCapabilities.Builder remote = RtpCapabilities.newBuilder()
                .addCodecs(RtpCodecCapability.newBuilder().setKind(MediaKind.AUDIO).setMimeType("audio/opus")
                        .setPreferredPayloadType(100).setClockRate(48000).setChannels(2)
                        .addRtcpFeedback(ApiOrtc.api(SupportedRtpCapabilities.TRANSPORT_CC)))
                .addCodecs(RtpCodecCapability.newBuilder().setKind(MediaKind.VIDEO).setMimeType("video/VP8")
                        .setPreferredPayloadType(101).setClockRate(90000)
                        .addRtcpFeedback(ApiOrtc.api(SupportedRtpCapabilities.GOOG_REMB))
                        .addRtcpFeedback(ApiOrtc.api(SupportedRtpCapabilities.TRANSPORT_CC))
                        .addRtcpFeedback(ApiOrtc.api(SupportedRtpCapabilities.CCM_FIR))
                        .addRtcpFeedback(ApiOrtc.api(SupportedRtpCapabilities.NACK))
                        .addRtcpFeedback(ApiOrtc.api(SupportedRtpCapabilities.NACK_PLI)))
                .addCodecs(RtpCodecCapability.newBuilder().setKind(MediaKind.VIDEO).setMimeType("video/rtx")
                        .setPreferredPayloadType(102).setClockRate(90000).putParameters("apt", MediaCodecs.number(101)))
                .addHeaderExtensions(remoteExtension(RtpHeaderExtensionUris.MID, 1))
                .addHeaderExtensions(remoteExtension(RtpHeaderExtensionUris.VIDEO_ORIENTATION, 8))
                .addHeaderExtensions(remoteExtension(RtpHeaderExtensionUris.TOFFSET, 9))
                // Same URI under another id is not the router's extension.
                .addHeaderExtensions(remoteExtension(RtpHeaderExtensionUris.PLAYOUT_DELAY, 12));
        if (transportCc) {
            remote.addHeaderExtensions(remoteExtension(RtpHeaderExtensionUris.TRANSPORT_WIDE_CC_01, 5));
        }
        if (absSendTime) {
            remote.addHeaderExtensions(remoteExtension(RtpHeaderExtensionUris.ABS_SEND_TIME, 4));
        }
        return remote.build();
    }

    private RtpParameters consumableVp8() throws SluiceException {
        RtpParameters producer = ProducerFixtures.simulcastVp8();
        RtpMapping mapping = ApiOrtc.getProducerRtpParametersMapping(producer, router, new FixedRandom(500_000_000L));
        return ApiOrtc.getConsumableRtpParameters(MediaKind.VIDEO, producer, router, mapping);
    }

    @Test
    void consumerGetsOneEncodingCoveringTheSimulcastLayersWithRtxAndTransportCc() throws Exception {
        RtpParameters consumer = ApiOrtc.getConsumerRtpParameters(
                consumableVp8(), chromiumReceiving(true, true), false, true, new FixedRandom(700_000_000L));

        assertThat(consumer.getCodecsList()).extracting(RtpCodecParameters::getPayloadType).containsExactly(101, 102);
        assertThat(consumer.getCodecs(0).getRtcpFeedbackList().stream().map(SupportedRtpCapabilitiesTest::feedback))
                .containsExactly("transport-cc", "ccm fir", "nack", "nack pli");
        assertThat(consumer.getHeaderExtensionsList()).extracting(RtpHeaderExtensionParameters::getId)
                .containsExactly(1, 4, 5, 8, 9);
        assertThat(consumer.getEncodingsList()).containsExactly(RtpEncodingParameters.newBuilder()
                .setSsrc(700_000_000).setRtx(RtxParameters.newBuilder().setSsrc(700_000_001))
                .setScalabilityMode("L3T3").setMaxBitrate(900_000).build());
        assertThat(consumer.getRtcp().getCname()).isEqualTo("chromium-cname");
        assertThat(consumer.getMsid()).isEqualTo("stream-1 track-1");
    }

    @Test
    void withoutRtxAConsumerLosesGenericNackAndItsRtxStream() throws Exception {
        RtpParameters consumer = ApiOrtc.getConsumerRtpParameters(
                consumableVp8(), chromiumReceiving(true, true), false, false, new FixedRandom(700_000_000L));

        assertThat(consumer.getCodecsList()).extracting(RtpCodecParameters::getMimeType).containsExactly("video/VP8");
        assertThat(consumer.getCodecs(0).getRtcpFeedbackList().stream().map(SupportedRtpCapabilitiesTest::feedback))
                .containsExactly("transport-cc", "ccm fir", "nack pli");
        assertThat(consumer.getEncodings(0).hasRtx()).isFalse();
    }

    @Test
    void congestionControlFeedbackFollowsTheNegotiatedExtensions() throws Exception {
        RtpParameters remb = ApiOrtc.getConsumerRtpParameters(
                consumableVp8(), chromiumReceiving(false, true), false, true, new FixedRandom(700_000_000L));
        RtpParameters neither = ApiOrtc.getConsumerRtpParameters(
                consumableVp8(), chromiumReceiving(false, false), false, true, new FixedRandom(700_000_000L));

        assertThat(remb.getCodecs(0).getRtcpFeedbackList().stream().map(SupportedRtpCapabilitiesTest::feedback))
                .containsExactly("goog-remb", "ccm fir", "nack", "nack pli");
        assertThat(neither.getCodecs(0).getRtcpFeedbackList().stream().map(SupportedRtpCapabilitiesTest::feedback))
                .containsExactly("ccm fir", "nack", "nack pli");
    }

    @Test
    void pipeConsumerRelaysEveryEncodingUnderFreshSsrcs() throws Exception {
        RtpParameters consumer = ApiOrtc.getConsumerRtpParameters(
                consumableVp8(), chromiumReceiving(true, true), true, true, new FixedRandom(600_000_000L, 800_000_000L));

        assertThat(consumer.getEncodingsList()).containsExactly(
                pipeEncoding(600_000_000, 800_000_000, 100_000),
                pipeEncoding(600_000_001, 800_000_001, 300_000),
                pipeEncoding(600_000_002, 800_000_002, 900_000));
    }

    private static RtpEncodingParameters pipeEncoding(int ssrc, int rtxSsrc, int maxBitrate) {
        return RtpEncodingParameters.newBuilder().setSsrc(ssrc).setRtx(RtxParameters.newBuilder().setSsrc(rtxSsrc))
                .setScalabilityMode("L1T3").setMaxBitrate(maxBitrate).build();
    }

    @Test
    void canConsumeNeedsAMediaCodecTheEndpointReceives() throws Exception {
        RtpParameters consumable = consumableVp8();
        RtpCapabilities remote = chromiumReceiving(true, true);
        RtpCapabilities onlyRtx = remote.toBuilder().removeCodecs(1).build();
        RtpCapabilities onlyAudio = remote.toBuilder().removeCodecs(2).removeCodecs(1).build();

        assertThat(ApiOrtc.canConsume(consumable, remote)).isTrue();
        assertThat(ApiOrtc.canConsume(consumable, onlyRtx)).isFalse();
        assertThat(ApiOrtc.canConsume(consumable, onlyAudio)).isFalse();

        SluiceException unsupported = catchThrowableOfType(SluiceException.class, () -> ApiOrtc.getConsumerRtpParameters(
                consumable, onlyRtx, false, true, new FixedRandom(700_000_000L)));
        assertThat(unsupported.code()).isEqualTo(SluiceException.Code.UNSUPPORTED);

        RtpCapabilities malformed = remote.toBuilder()
                .setCodecs(0, remote.getCodecs(0).toBuilder().clearPreferredPayloadType()).build();
        SluiceException invalid = catchThrowableOfType(SluiceException.class, () -> ApiOrtc.canConsume(consumable, malformed));
        assertThat(invalid.code()).isEqualTo(SluiceException.Code.INVALID_ARGUMENT);
        assertThat(invalid.field()).isEqualTo("rtp_capabilities.codecs[0].preferred_payload_type");
    }

    private static RtpHeaderExtensionParameters routerExtension(String uri, int id) {
        return RtpHeaderExtensionParameters.newBuilder().setUri(uri).setId(id).setEncrypt(false).build();
    }

    private static RtpHeaderExtension remoteExtension(String uri, int id) {
        return RtpHeaderExtension.newBuilder().setKind(MediaKind.VIDEO).setUri(uri).setPreferredId(id).build();
    }
}
