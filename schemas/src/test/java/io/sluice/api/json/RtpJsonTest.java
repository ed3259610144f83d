package io.sluice.api.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.ParameterValue;
import io.sluice.api.v1.RtcpFeedback;
import io.sluice.api.v1.RtcpParameters;
import io.sluice.api.v1.RtpCapabilities;
import io.sluice.api.v1.RtpCodecCapability;
import io.sluice.api.v1.RtpCodecParameters;
import io.sluice.api.v1.RtpEncodingParameters;
import io.sluice.api.v1.RtpHeaderExtension;
import io.sluice.api.v1.RtpHeaderExtensionDirection;
import io.sluice.api.v1.RtpHeaderExtensionParameters;
import io.sluice.api.v1.RtpParameters;
import io.sluice.api.v1.RtxParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RtpJsonTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static ParameterValue number(long value) {
        return ParameterValue.newBuilder().setIntValue(value).build();
    }

    private static ParameterValue text(String value) {
        return ParameterValue.newBuilder().setStringValue(value).build();
    }

    private static RtcpFeedback feedback(String type, String parameter) {
        return RtcpFeedback.newBuilder().setType(type).setParameter(parameter).build();
    }

    static RtpCapabilities routerCapabilities() {
        return RtpCapabilities.newBuilder()
                .addCodecs(RtpCodecCapability.newBuilder()
                        .setKind(MediaKind.AUDIO).setMimeType("audio/opus").setPreferredPayloadType(100)
                        .setClockRate(48000).setChannels(2)
                        .addRtcpFeedback(feedback("nack", "")).addRtcpFeedback(feedback("transport-cc", "")))
                .addCodecs(RtpCodecCapability.newBuilder()
                        .setKind(MediaKind.VIDEO).setMimeType("video/H264").setPreferredPayloadType(101)
                        .setClockRate(90000)
                        .putParameters("level-asymmetry-allowed", number(1))
                        .putParameters("packetization-mode", number(1))
                        .putParameters("profile-level-id", text("42e01f"))
                        .addRtcpFeedback(feedback("nack", "pli")))
                .addCodecs(RtpCodecCapability.newBuilder()
                        .setKind(MediaKind.VIDEO).setMimeType("video/rtx").setPreferredPayloadType(102)
                        .setClockRate(90000).putParameters("apt", number(101)))
                .addHeaderExtensions(RtpHeaderExtension.newBuilder()
                        .setKind(MediaKind.VIDEO).setUri("urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id")
                        .setPreferredId(2).setDirection(RtpHeaderExtensionDirection.RECVONLY))
                .build();
    }

    @Test
    void capabilitiesAreWrittenInMediasoupsShapeWithNumbersAsNumbers() throws Exception {
        JsonNode expected = MAPPER.readTree("""
                {"codecs": [
                  {"kind": "audio", "mimeType": "audio/opus", "preferredPayloadType": 100, "clockRate": 48000,
                   "channels": 2, "parameters": {},
                   "rtcpFeedback": [{"type": "nack", "parameter": ""}, {"type": "transport-cc", "parameter": ""}]},
                  {"kind": "video", "mimeType": "video/H264", "preferredPayloadType": 101, "clockRate": 90000,
                   "parameters": {"level-asymmetry-allowed": 1, "packetization-mode": 1, "profile-level-id": "42e01f"},
                   "rtcpFeedback": [{"type": "nack", "parameter": "pli"}]},
                  {"kind": "video", "mimeType": "video/rtx", "preferredPayloadType": 102, "clockRate": 90000,
                   "parameters": {"apt": 101}, "rtcpFeedback": []}
                 ],
                 "headerExtensions": [
                  {"kind": "video", "uri": "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id", "preferredId": 2,
                   "preferredEncrypt": false, "direction": "recvonly"}
                 ]}""");

        JsonNode written = RtpJson.toJson(routerCapabilities());

        assertThat(written).isEqualTo(expected);
        assertThat(written.at("/codecs/2/parameters/apt").isIntegralNumber()).isTrue();
        assertThat(written.at("/codecs/1/parameters/packetization-mode").isIntegralNumber()).isTrue();
        assertThat(written.at("/codecs/1/parameters/profile-level-id").isTextual()).isTrue();
    }

    @Test
    void capabilitiesSurviveTheRoundTrip() {
        RtpCapabilities capabilities = routerCapabilities();

        assertThat(RtpJson.readCapabilities(RtpJson.write(capabilities))).isEqualTo(capabilities);
    }

    @Test
    void parametersSurviveTheRoundTripWithEveryField() {
        RtpParameters parameters = RtpParameters.newBuilder()
                .setMid("0")
                .addCodecs(RtpCodecParameters.newBuilder()
                        .setMimeType("video/VP9").setPayloadType(98).setClockRate(90000)
                        .putParameters("profile-id", number(2)).addRtcpFeedback(feedback("ccm", "fir")))
                .addCodecs(RtpCodecParameters.newBuilder()
                        .setMimeType("audio/opus").setPayloadType(111).setClockRate(48000).setChannels(2))
                .addHeaderExtensions(RtpHeaderExtensionParameters.newBuilder()
                        .setUri("urn:ietf:params:rtp-hdrext:sdes:mid").setId(4).setEncrypt(true)
                        .putParameters("foo", text("bar")))
                .addEncodings(RtpEncodingParameters.newBuilder()
                        .setSsrc(0xffff_fffe).setRid("r0").setCodecPayloadType(98)
                        .setRtx(RtxParameters.newBuilder().setSsrc(0x8000_0000))
                        .setDtx(true).setScalabilityMode("L1T3").setMaxBitrate(500_000))
                .addEncodings(RtpEncodingParameters.newBuilder().setRid("r1"))
                .setRtcp(RtcpParameters.newBuilder().setCname("abc").setReducedSize(false))
                .setMsid("stream track")
                .build();

        String json = RtpJson.write(parameters);

        assertThat(RtpJson.readParameters(json)).isEqualTo(parameters);
        assertThat(json).contains("\"ssrc\":4294967294", "\"rtx\":{\"ssrc\":2147483648}", "\"reducedSize\":false");
    }

    @Test
    void parametersWriteOnlyWhatIsSet() throws Exception {
        RtpParameters minimal = RtpParameters.newBuilder()
                .addCodecs(RtpCodecParameters.newBuilder().setMimeType("video/VP8").setPayloadType(96).setClockRate(90000))
                .addEncodings(RtpEncodingParameters.newBuilder().setSsrc(1234))
                .setRtcp(RtcpParameters.newBuilder())
                .build();

        assertThat(RtpJson.toJson(minimal)).isEqualTo(MAPPER.readTree("""
                {"codecs": [{"mimeType": "video/VP8", "payloadType": 96, "clockRate": 90000, "parameters": {},
                             "rtcpFeedback": []}],
                 "headerExtensions": [], "encodings": [{"ssrc": 1234}], "rtcp": {}}"""));
    }

    /** What mediasoup-client sends for a simulcast VP8 producer, with members protobuf does not hold. */
    @Test
    void readsMediasoupClientProducerParametersIgnoringUnknownMembers() {
        RtpParameters parameters = RtpJson.readParameters("""
                {"mid": "0",
                 "codecs": [
                   {"mimeType": "video/VP8", "payloadType": 96, "clockRate": 90000, "parameters": {},
                    "rtcpFeedback": [{"type": "goog-remb", "parameter": ""}, {"type": "nack"}]},
                   {"mimeType": "video/rtx", "payloadType": 97, "clockRate": 90000, "parameters": {"apt": 96.0},
                    "rtcpFeedback": []}],
                 "headerExtensions": [{"uri": "urn:ietf:params:rtp-hdrext:sdes:mid", "id": 4, "encrypt": false,
                                       "parameters": {}}],
                 "encodings": [
                   {"active": true, "rid": "r0", "scalabilityMode": "L1T3", "scaleResolutionDownBy": 4, "dtx": false},
                   {"active": true, "rid": "r1", "maxBitrate": 900000, "scaleResolutionDownBy": 2}],
                 "rtcp": {"cname": "x9Hf", "reducedSize": true},
                 "msid": null}""");

        assertThat(parameters.getCodecs(1).getParametersMap()).containsEntry("apt", number(96));
        assertThat(parameters.getCodecs(0).getRtcpFeedback(1)).isEqualTo(feedback("nack", ""));
        assertThat(parameters.getEncodingsList()).extracting(RtpEncodingParameters::getRid).containsExactly("r0", "r1");
        assertThat(parameters.getEncodings(0).hasSsrc()).isFalse();
        assertThat(parameters.getEncodings(1).getMaxBitrate()).isEqualTo(900000);
        assertThat(parameters.getRtcp().getReducedSize()).isTrue();
        assertThat(parameters.getMsid()).isEmpty();
    }

    @Test
    void headerExtensionWithoutKindOrDirectionKeepsThemUnspecified() {
        RtpCapabilities capabilities = RtpJson.readCapabilities(
                "{\"headerExtensions\": [{\"uri\": \"urn:3gpp:video-orientation\", \"preferredId\": 4}]}");

        RtpHeaderExtension extension = capabilities.getHeaderExtensions(0);
        assertThat(extension.getKind()).isEqualTo(MediaKind.MEDIA_KIND_UNSPECIFIED);
        assertThat(extension.getDirection()).isEqualTo(RtpHeaderExtensionDirection.DIRECTION_UNSPECIFIED);
        assertThat(RtpJson.toJson(extension).has("kind")).isFalse();
        assertThat(RtpJson.toJson(extension).has("direction")).isFalse();
        assertThat(capabilities.getCodecsList()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "capabilities not JSON             | {\"codecs\": [                                                    | ''",
        "capabilities not an object        | []                                                                 | ''",
        "codecs not an array               | {\"codecs\": {}}                                                  | codecs",
        "codec missing mimeType            | {\"codecs\": [{\"clockRate\": 90000}]}                           | codecs[0].mimeType",
        "codec missing clockRate           | {\"codecs\": [{\"mimeType\": \"video/VP8\"}]}                    | codecs[0].clockRate",
        "clockRate as a string             | {\"codecs\": [{\"mimeType\": \"video/VP8\", \"clockRate\": \"90000\"}]} | codecs[0].clockRate",
        "negative payload type             | {\"codecs\": [{\"mimeType\": \"a/b\", \"clockRate\": 1, \"preferredPayloadType\": -1}]} | codecs[0].preferredPayloadType",
        "channels over 32 bits             | {\"codecs\": [{\"mimeType\": \"a/b\", \"clockRate\": 1, \"channels\": 4294967296}]} | codecs[0].channels",
        "fractional parameter              | {\"codecs\": [{\"mimeType\": \"a/b\", \"clockRate\": 1, \"parameters\": {\"x\": 1.5}}]} | codecs[0].parameters.x",
        "boolean parameter                 | {\"codecs\": [{\"mimeType\": \"a/b\", \"clockRate\": 1, \"parameters\": {\"x\": true}}]} | codecs[0].parameters.x",
        "null parameter                    | {\"codecs\": [{\"mimeType\": \"a/b\", \"clockRate\": 1, \"parameters\": {\"x\": null}}]} | codecs[0].parameters.x",
        "parameters not an object          | {\"codecs\": [{\"mimeType\": \"a/b\", \"clockRate\": 1, \"parameters\": [1]}]} | codecs[0].parameters",
        "unknown kind                      | {\"codecs\": [{\"kind\": \"data\", \"mimeType\": \"a/b\", \"clockRate\": 1}]} | codecs[0].kind",
        "feedback without type             | {\"codecs\": [{\"mimeType\": \"a/b\", \"clockRate\": 1, \"rtcpFeedback\": [{\"parameter\": \"pli\"}]}]} | codecs[0].rtcpFeedback[0].type",
        "unknown direction                 | {\"headerExtensions\": [{\"uri\": \"u\", \"preferredId\": 1, \"direction\": \"both\"}]} | headerExtensions[0].direction",
        "preferredEncrypt not a boolean    | {\"headerExtensions\": [{\"uri\": \"u\", \"preferredId\": 1, \"preferredEncrypt\": 0}]} | headerExtensions[0].preferredEncrypt",
        "extension missing preferredId     | {\"headerExtensions\": [{\"uri\": \"u\"}]}                       | headerExtensions[0].preferredId",
    })
    void malformedCapabilitiesNameThePath(String name, String json, String path) {
        RtpJsonException error = catchThrowableOfType(RtpJsonException.class, () -> RtpJson.readCapabilities(json));

        assertThat(error).as(name).isNotNull();
        assertThat(error.field()).isEqualTo(path);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "missing codecs                    | {\"mid\": \"0\"}                                                   | codecs",
        "mid not a string                  | {\"mid\": 0, \"codecs\": []}                                       | mid",
        "payloadType as a string           | {\"codecs\": [{\"mimeType\": \"a/b\", \"payloadType\": \"96\", \"clockRate\": 1}]} | codecs[0].payloadType",
        "rtx without ssrc                  | {\"codecs\": [], \"encodings\": [{\"rtx\": {}}]}                  | encodings[0].rtx.ssrc",
        "negative ssrc                     | {\"codecs\": [], \"encodings\": [{\"ssrc\": -5}]}                 | encodings[0].ssrc",
        "rid not a string                  | {\"codecs\": [], \"encodings\": [{\"rid\": 1}]}                   | encodings[0].rid",
        "extension id missing              | {\"codecs\": [], \"headerExtensions\": [{\"uri\": \"u\"}]}        | headerExtensions[0].id",
        "rtcp not an object                | {\"codecs\": [], \"rtcp\": \"x\"}                                  | rtcp",
        "reducedSize not a boolean         | {\"codecs\": [], \"rtcp\": {\"reducedSize\": 1}}                  | rtcp.reducedSize",
    })
    void malformedParametersNameThePath(String name, String json, String path) {
        RtpJsonException error = catchThrowableOfType(RtpJsonException.class, () -> RtpJson.readParameters(json));

        assertThat(error).as(name).isNotNull();
        assertThat(error.field()).isEqualTo(path);
        assertThat(error.getMessage()).startsWith(path.isEmpty() ? "" : path + ": ");
    }
}
