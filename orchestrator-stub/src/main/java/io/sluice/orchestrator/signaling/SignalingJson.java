package io.sluice.orchestrator.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.api.json.TransportJson;
import io.sluice.api.v1.DtlsParameters;
import io.sluice.api.v1.MediaKind;
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
