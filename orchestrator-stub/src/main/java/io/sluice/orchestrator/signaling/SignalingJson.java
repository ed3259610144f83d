package io.sluice.orchestrator.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.api.json.TransportJson;
import io.sluice.api.v1.DtlsParameters;
import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.NumSctpStreams;
import java.util.Optional;
import io.sluice.api.v1.WebRtcTransportInfo;

/**
 * The signaling's JSON helpers: transport parameters as mediasoup-client's
 * {@code Device.createSendTransport} / {@code createRecvTransport} and the transport's
 * {@code connect} event use them (mapped by {@link TransportJson}, shared with the Python SDK),
 * kinds and required strings of a request.
 */
final class SignalingJson {

    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private SignalingJson() {}

    /** {@code {id, iceParameters, iceCandidates, dtlsParameters}} for a new transport. */
    static ObjectNode transportOptions(WebRtcTransportInfo transport) {
        return TransportJson.toJson(transport);
    }

    /** The browser's DTLS parameters from transport.on('connect'). */
    static DtlsParameters dtlsParameters(JsonNode json) {
        return TransportJson.dtlsParametersFromJson(json, "dtlsParameters");
    }

    /** The SCTP streams asked for when a browser only says {@code enableSctp: true}: mediasoup's defaults. */
    private static final NumSctpStreams DEFAULT_SCTP_STREAMS = NumSctpStreams.newBuilder().setOs(1024).setMis(1024).build();

    /**
     * Whether a new transport gets an SCTP association for DataChannels, and its streams (RFC 9260
     * §3.3.2, 1..65535 each): {@code enableSctp: true} (mediasoup-client 3.24 has no
     * {@code device.sctpCapabilities} any more) takes mediasoup's 1024 each way;
     * {@code sctpCapabilities: {numStreams: {OS, MIS}}}, which older mediasoup-client releases
     * give and mediasoup's demo sends, takes those.
     */
    static Optional<NumSctpStreams> sctpStreams(JsonNode data) {
        JsonNode capabilities = data.get("sctpCapabilities");
        if (capabilities == null || capabilities.isNull()) {
            JsonNode enable = data.get("enableSctp");
            if (enable != null && !enable.isNull() && !enable.isBoolean()) {
                throw invalid("createWebRtcTransport.enableSctp: expected a boolean");
            }
            return enable != null && enable.asBoolean() ? Optional.of(DEFAULT_SCTP_STREAMS) : Optional.empty();
        }
        JsonNode os = capabilities.path("numStreams").path("OS");
        JsonNode mis = capabilities.path("numStreams").path("MIS");
        if (!os.isIntegralNumber() || !mis.isIntegralNumber() || os.asInt() < 1 || os.asInt() > 65535
                || mis.asInt() < 1 || mis.asInt() > 65535) {
            throw invalid("createWebRtcTransport.sctpCapabilities.numStreams: expected {OS, MIS}, integers from 1 to 65535");
        }
        return Optional.of(NumSctpStreams.newBuilder().setOs(os.asInt()).setMis(mis.asInt()).build());
    }

    static MediaKind kind(String name) {
        return switch (name) {
            case "audio" -> MediaKind.AUDIO;
            case "video" -> MediaKind.VIDEO;
            default -> throw invalid("kind: expected audio or video, not " + name);
        };
    }

    static String kindName(MediaKind kind) {
        return kind == MediaKind.AUDIO ? "audio" : "video";
    }

    /** A required string member of a request's data. */
    static String text(JsonNode json, String member, String path) {
        JsonNode value = json == null ? null : json.get(member);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw invalid(path + "." + member + ": expected a non-empty string");
        }
        return value.asText();
    }

    private static SignalingException invalid(String message) {
        return new SignalingException(SignalingException.INVALID_ARGUMENT, message);
    }
}
