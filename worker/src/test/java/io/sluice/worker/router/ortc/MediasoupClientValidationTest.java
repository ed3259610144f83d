package io.sluice.worker.router.ortc;

import io.sluice.worker.testsupport.ApiOrtc;
import static io.sluice.worker.router.ortc.MediaCodecs.audio;
import static io.sluice.worker.router.ortc.MediaCodecs.av1;
import static io.sluice.worker.router.ortc.MediaCodecs.h264;
import static io.sluice.worker.router.ortc.MediaCodecs.opus;
import static io.sluice.worker.router.ortc.MediaCodecs.vp8;
import static io.sluice.worker.router.ortc.MediaCodecs.vp9;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.api.json.RtpJson;
import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.RtpCapabilities;
import io.sluice.api.v1.RtpCodecCapability;
import io.sluice.api.v1.RtpCodecParameters;
import io.sluice.api.v1.RtpEncodingParameters;
import io.sluice.api.v1.RtpHeaderExtensionParameters;
import io.sluice.api.v1.RtpParameters;
import io.sluice.api.v1.RtcpParameters;
import io.sluice.api.v1.RtxParameters;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Router capabilities from {@link Ortc}, written by {@link RtpJson}, loaded by the real
 * mediasoup-client 3.24.1 under Node: its validator must accept them and its codec negotiation
 * against a Chromium-like device must find each codec (and its RTX, through a numeric apt).
 */
class MediasoupClientValidationTest {

    private static MediasoupClientOrtc client;

    @BeforeAll
    static void installMediasoupClient() throws Exception {
        client = MediasoupClientOrtc.install();
    }

    @AfterAll
    static void stopMediasoupClient() throws Exception {
        client.close();
    }

    static Stream<RtpCodecCapability> everySupportedCodec() {
        return OrtcRouterCapabilitiesTest.everySupportedCodec();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everySupportedCodec")
    void mediasoupClientLoadsEachSupportedCodecAlone(RtpCodecCapability mediaCodec) throws Exception {
        RtpCapabilities capabilities = ApiOrtc.generateRouterRtpCapabilities(List.of(mediaCodec));

        MediasoupClientOrtc.Result result = client.loadRouterCapabilities(RtpJson.write(capabilities));

        assertThat(result.accepted()).as(result.error()).isTrue();
        assertThat(result.report().path("mediasoupClientVersion").asText()).isEqualTo(MediasoupClientOrtc.VERSION);
        // mediasoup-client normalizes what it loads; nothing it had to add or change means our JSON is complete.
        assertThat(result.report().path("normalized")).isEqualTo(RtpJson.toJson(capabilities));
    }

    @Test
    void chromiumLikeDeviceNegotiatesEveryCodecOfATypicalRouterWithItsRtx() throws Exception {
        RtpCapabilities capabilities = ApiOrtc.generateRouterRtpCapabilities(List.of(
                opus(), vp8(), vp9(0), vp9(2), h264("42e01f", 1), h264("42e01f", 0), h264("4d001f", 1),
                h264("42001f", 1), av1(), audio("audio/PCMU", 8000, 1).build()));

        MediasoupClientOrtc.Result result = client.loadRouterCapabilities(RtpJson.write(capabilities));

        assertThat(result.accepted()).as(result.error()).isTrue();
        assertThat(extendedCodecs(result)).containsExactly(
                "audio/opus pt=100 rtx=null",
                "video/VP8 pt=101 rtx=102",
                "video/VP9 pt=103 rtx=104 {\"profile-id\":0}",
                "video/VP9 pt=105 rtx=106 {\"profile-id\":2}",
                "video/H264 pt=107 rtx=108 {\"level-asymmetry-allowed\":1,\"packetization-mode\":1,\"profile-level-id\":\"42e01f\"}",
                "video/H264 pt=109 rtx=110 {\"level-asymmetry-allowed\":1,\"packetization-mode\":0,\"profile-level-id\":\"42e01f\"}",
                "video/H264 pt=111 rtx=112 {\"level-asymmetry-allowed\":1,\"packetization-mode\":1,\"profile-level-id\":\"4d001f\"}",
                "video/H264 pt=113 rtx=114 {\"level-asymmetry-allowed\":1,\"packetization-mode\":1,\"profile-level-id\":\"42001f\"}",
                "video/AV1 pt=115 rtx=116",
                "audio/PCMU pt=0 rtx=null");
        assertThat(result.report().path("canSendAudio").asBoolean()).isTrue();
        assertThat(result.report().path("canSendVideo").asBoolean()).isTrue();
        assertThat(strings(result.report().path("extendedHeaderExtensions"))).contains(
                "audio urn:ietf:params:rtp-hdrext:sdes:mid",
                "audio urn:ietf:params:rtp-hdrext:ssrc-audio-level",
                "video urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id",
                "video http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01");
    }

    /** The validator is not a rubber stamp: mediasoup-client rejects apt as a string. */
    @Test
    void aptAsAStringIsRejectedByMediasoupClient() throws Exception {
        ObjectNode json = RtpJson.toJson(ApiOrtc.generateRouterRtpCapabilities(List.of(vp8())));
        ((ObjectNode) json.at("/codecs/1/parameters")).put("apt", "100");

        MediasoupClientOrtc.Result result = client.loadRouterCapabilities(json.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.error()).contains("invalid codec apt parameter");
    }

    @Test
    void codecWithoutPreferredPayloadTypeIsRejectedByMediasoupClient() throws Exception {
        ObjectNode json = RtpJson.toJson(ApiOrtc.generateRouterRtpCapabilities(List.of(opus())));
        ((ObjectNode) json.at("/codecs/0")).remove("preferredPayloadType");

        MediasoupClientOrtc.Result result = client.loadRouterCapabilities(json.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.error()).contains("missing codec.preferredPayloadType");
    }

    /** Why parameter types matter: a VP9 profile-id written as "2" passes validation but matches no device codec. */
    @Test
    void profileIdAsAStringLosesTheCodecInNegotiation() throws Exception {
        ObjectNode json = RtpJson.toJson(ApiOrtc.generateRouterRtpCapabilities(List.of(vp9(2))));
        MediasoupClientOrtc.Result asNumber = client.loadRouterCapabilities(json.toString());
        ((ObjectNode) json.at("/codecs/0/parameters")).put("profile-id", "2");

        MediasoupClientOrtc.Result asString = client.loadRouterCapabilities(json.toString());

        assertThat(extendedCodecs(asNumber)).hasSize(1);
        assertThat(asString.accepted()).isTrue();
        assertThat(extendedCodecs(asString)).isEmpty();
        assertThat(asString.report().path("canSendVideo").asBoolean()).isFalse();
    }

    @Test
    void rtpParametersFromRtpJsonPassMediasoupClientsValidator() throws Exception {
        RtpParameters consumerLike = RtpParameters.newBuilder()
                .setMid("1")
                .addCodecs(RtpCodecParameters.newBuilder().setMimeType("video/VP8").setPayloadType(101).setClockRate(90000)
                        .addRtcpFeedback(ApiOrtc.api(SupportedRtpCapabilities.NACK)).addRtcpFeedback(ApiOrtc.api(SupportedRtpCapabilities.NACK_PLI)))
                .addCodecs(RtpCodecParameters.newBuilder().setMimeType("video/rtx").setPayloadType(102).setClockRate(90000)
                        .putParameters("apt", ApiOrtc.api(CodecParameters.ofInt(101))))
                .addHeaderExtensions(RtpHeaderExtensionParameters.newBuilder()
                        .setUri(RtpHeaderExtensionUris.MID).setId(1))
                .addEncodings(RtpEncodingParameters.newBuilder().setSsrc(0xdead_beef)
                        .setRtx(RtxParameters.newBuilder().setSsrc(0xdead_bef0)).setScalabilityMode("L3T3"))
                .setRtcp(RtcpParameters.newBuilder().setCname("sluice").setReducedSize(true))
                .setMsid("stream track")
                .build();

        MediasoupClientOrtc.Result result = client.validateRtpParameters(RtpJson.write(consumerLike));

        assertThat(result.accepted()).as(result.error()).isTrue();
        assertThat(RtpJson.parametersFromJson(result.report().path("normalized"))).isEqualTo(consumerLike);

        ObjectNode payloadTypeAsString = RtpJson.toJson(consumerLike);
        ((ObjectNode) payloadTypeAsString.at("/codecs/0")).put("payloadType", "101");
        MediasoupClientOrtc.Result rejected = client.validateRtpParameters(payloadTypeAsString.toString());
        assertThat(rejected.exitCode()).isEqualTo(1);
        assertThat(rejected.error()).contains("missing codec.payloadType");
    }

    /**
     * The whole path a browser consumer takes: router capabilities into mediasoup-client's Device,
     * its device.rtpCapabilities back to Sluice, the consumer's parameters from {@link Ortc}, and
     * Transport.consume()'s checks in mediasoup-client on them.
     */
    @Test
    void consumerParametersForADevicesOwnCapabilitiesAreReceivableByMediasoupClient() throws Exception {
        RtpCapabilities router = ProducerFixtures.router();
        MediasoupClientOrtc.Result loaded = client.loadRouterCapabilities(RtpJson.write(router));
        assertThat(loaded.accepted()).as(loaded.error()).isTrue();
        RtpCapabilities device = ApiOrtc.validateRtpCapabilities(
                RtpJson.capabilitiesFromJson(loaded.report().path("recvRtpCapabilities")));

        for (RtpParameters producer : List.of(ProducerFixtures.simulcastVp8(), ProducerFixtures.opus())) {
            MediaKind kind = producer.getCodecs(0).getMimeType().startsWith("audio/") ? MediaKind.AUDIO : MediaKind.VIDEO;
            RtpParameters validated = ApiOrtc.validateRtpParameters(producer);
            RtpMapping mapping = ApiOrtc.getProducerRtpParametersMapping(validated, router, new FixedRandom(500_000_000L));
            RtpParameters consumable = ApiOrtc.getConsumableRtpParameters(kind, validated, router, mapping);
            assertThat(ApiOrtc.canConsume(consumable, device)).isTrue();
            RtpParameters consumer = ApiOrtc.getConsumerRtpParameters(consumable, device, false, true,
                    new FixedRandom(700_000_000L)).toBuilder().setMid("2").build();

            ObjectNode request = JsonNodeFactory.instance.objectNode();
            request.set("routerCapabilities", RtpJson.toJson(router));
            request.set("rtpParameters", RtpJson.toJson(consumer));
            MediasoupClientOrtc.Result consumed = client.consume(request.toString());

            assertThat(consumed.accepted()).as(consumed.error()).isTrue();
            assertThat(consumed.report().path("canReceive").asBoolean()).as(kind.toString()).isTrue();
            assertThat(RtpJson.parametersFromJson(consumed.report().path("normalized"))).isEqualTo(consumer);
        }
    }

    private static List<String> extendedCodecs(MediasoupClientOrtc.Result result) {
        assertThat(result.accepted()).as(result.error()).isTrue();
        List<String> codecs = new ArrayList<>();
        for (JsonNode codec : result.report().path("extendedCodecs")) {
            String parameters = codec.path("remoteParameters").isEmpty() ? "" : " " + codec.path("remoteParameters");
            codecs.add(codec.path("mimeType").asText() + " pt=" + codec.path("remotePayloadType").asText()
                    + " rtx=" + codec.path("remoteRtxPayloadType").asText() + parameters);
        }
        return codecs;
    }

    private static List<String> strings(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }
}
