package io.sluice.orchestrator.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.api.v1.DtlsFingerprint;
import io.sluice.api.v1.DtlsParameters;
import io.sluice.api.v1.DtlsRole;
import io.sluice.api.v1.IceCandidate;
import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.TransportProtocol;
import io.sluice.api.v1.WebRtcTransportInfo;

/**
 * Transport parameters to and from the JSON mediasoup-client's {@code Device.createSendTransport}
 * / {@code createRecvTransport} and the transport's {@code connect} event use (mediasoup's
 * {@code IceParameters}, {@code IceCandidate}, {@code DtlsParameters} types).
 */
final class SignalingJson {

    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private SignalingJson() {}

    /** {@code {id, iceParameters, iceCandidates, dtlsParameters}} for a new transport. */
    static ObjectNode transportOptions(WebRtcTransportInfo transport) {
        ObjectNode json = NODES.objectNode();
        json.put("id", transport.getId());
        ObjectNode ice = json.putObject("iceParameters");
        ice.put("usernameFragment", transport.getIceParameters().getUsernameFragment());
        ice.put("password", transport.getIceParameters().getPassword());
        ice.put("iceLite", transport.getIceParameters().getIceLite());
        ArrayNode candidates = json.putArray("iceCandidates");
        for (IceCandidate candidate : transport.getIceCandidatesList()) {
            ObjectNode c = candidates.addObject();
            c.put("foundation", candidate.getFoundation());
            c.put("priority", Integer.toUnsignedLong(candidate.getPriority()));
            // mediasoup-client 3.x reads "address"; older releases read "ip": give both.
            c.put("ip", candidate.getAddress());
            c.put("address", candidate.getAddress());
            c.put("protocol", candidate.getProtocol() == TransportProtocol.TCP ? "tcp" : "udp");
            c.put("port", candidate.getPort());
            c.put("type", candidate.getType().isEmpty() ? "host" : candidate.getType());
            if (candidate.getProtocol() == TransportProtocol.TCP) {
                // RFC 6544 §4.5: the worker only accepts connections.
                c.put("tcpType", candidate.getTcpType().isEmpty() ? "passive" : candidate.getTcpType());
            }
        }
        ObjectNode dtls = json.putObject("dtlsParameters");
        dtls.put("role", roleName(transport.getDtlsParameters().getRole()));
        ArrayNode fingerprints = dtls.putArray("fingerprints");
        for (DtlsFingerprint fingerprint : transport.getDtlsParameters().getFingerprintsList()) {
            fingerprints.addObject().put("algorithm", fingerprint.getAlgorithm()).put("value", fingerprint.getValue());
        }
        return json;
    }

    /** The browser's DTLS parameters from transport.on('connect'). */
    static DtlsParameters dtlsParameters(JsonNode json) {
        if (json == null || !json.isObject()) {
            throw invalid("dtlsParameters: expected an object");
        }
        DtlsParameters.Builder dtls = DtlsParameters.newBuilder();
        JsonNode role = json.get("role");
        String roleName = role == null || role.isNull() ? "auto" : role.asText();
        dtls.setRole(switch (roleName) {
            case "auto" -> DtlsRole.AUTO;
            case "client" -> DtlsRole.CLIENT;
            case "server" -> DtlsRole.SERVER;
            default -> throw invalid("dtlsParameters.role: unknown role " + roleName);
        });
        JsonNode fingerprints = json.get("fingerprints");
        if (fingerprints == null || !fingerprints.isArray() || fingerprints.isEmpty()) {
            throw invalid("dtlsParameters.fingerprints: expected a non-empty array");
        }
        for (JsonNode fingerprint : fingerprints) {
            dtls.addFingerprints(DtlsFingerprint.newBuilder()
                    .setAlgorithm(text(fingerprint, "algorithm", "dtlsParameters.fingerprints"))
                    .setValue(text(fingerprint, "value", "dtlsParameters.fingerprints")));
        }
        return dtls.build();
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

    private static String roleName(DtlsRole role) {
        return switch (role) {
            case CLIENT -> "client";
            case SERVER -> "server";
            default -> "auto";
        };
    }

    private static SignalingException invalid(String message) {
        return new SignalingException(SignalingException.INVALID_ARGUMENT, message);
    }
}
