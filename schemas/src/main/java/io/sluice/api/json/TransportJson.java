package io.sluice.api.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.api.v1.DtlsFingerprint;
import io.sluice.api.v1.DtlsParameters;
import io.sluice.api.v1.DtlsRole;
import io.sluice.api.v1.IceCandidate;
import io.sluice.api.v1.IceParameters;
import io.sluice.api.v1.SctpParameters;
import io.sluice.api.v1.TransportProtocol;
import io.sluice.api.v1.WebRtcTransportInfo;

/**
 * WebRTC transport parameters to and from the JSON of mediasoup's {@code IceParameters},
 * {@code IceCandidate} and {@code DtlsParameters}: what mediasoup-client's
 * {@code device.createSendTransport} / {@code createRecvTransport} take ({@code {id,
 * iceParameters, iceCandidates, dtlsParameters}}) and what its transport's {@code connect} event
 * gives ({@code dtlsParameters}). docs/protocol.md, "mediasoup-client JSON", is the mapping.
 */
public final class TransportJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private TransportJson() {}

    /**
     * {@code {id, iceParameters, iceCandidates, dtlsParameters}} for a new transport, and
     * {@code sctpParameters} when it was created with enableSctp.
     */
    public static ObjectNode toJson(WebRtcTransportInfo transport) {
        ObjectNode json = NODES.objectNode();
        json.put("id", transport.getId());
        json.set("iceParameters", toJson(transport.getIceParameters()));
        ArrayNode candidates = json.putArray("iceCandidates");
        transport.getIceCandidatesList().forEach(candidate -> candidates.add(toJson(candidate)));
        json.set("dtlsParameters", toJson(transport.getDtlsParameters()));
        if (transport.hasSctpParameters()) {
            json.set("sctpParameters", toJson(transport.getSctpParameters()));
        }
        return json;
    }

    /** mediasoup's {@code SctpParameters}: {@code {port, OS, MIS, maxMessageSize}}. */
    public static ObjectNode toJson(SctpParameters sctp) {
        ObjectNode json = NODES.objectNode();
        json.put("port", sctp.getPort());
        json.put("OS", sctp.getOs());
        json.put("MIS", sctp.getMis());
        json.put("maxMessageSize", sctp.getMaxMessageSize());
        return json;
    }

    public static ObjectNode toJson(IceParameters ice) {
        ObjectNode json = NODES.objectNode();
        json.put("usernameFragment", ice.getUsernameFragment());
        json.put("password", ice.getPassword());
        json.put("iceLite", ice.getIceLite());
        return json;
    }

    public static ObjectNode toJson(IceCandidate candidate) {
        ObjectNode json = NODES.objectNode();
        boolean tcp = candidate.getProtocol() == TransportProtocol.TCP;
        json.put("foundation", candidate.getFoundation());
        json.put("priority", Integer.toUnsignedLong(candidate.getPriority()));
        // mediasoup-client 3.x reads "address"; older releases read "ip": give both.
        json.put("ip", candidate.getAddress());
        json.put("address", candidate.getAddress());
        json.put("protocol", tcp ? "tcp" : "udp");
        json.put("port", candidate.getPort());
        json.put("type", candidate.getType().isEmpty() ? "host" : candidate.getType());
        if (tcp) {
            // RFC 6544 §4.5: the worker only accepts connections.
            json.put("tcpType", candidate.getTcpType().isEmpty() ? "passive" : candidate.getTcpType());
        }
        return json;
    }

    public static ObjectNode toJson(DtlsParameters dtls) {
        ObjectNode json = NODES.objectNode();
        json.put("role", switch (dtls.getRole()) {
            case CLIENT -> "client";
            case SERVER -> "server";
            default -> "auto";
        });
        ArrayNode fingerprints = json.putArray("fingerprints");
        for (DtlsFingerprint fingerprint : dtls.getFingerprintsList()) {
            fingerprints.addObject().put("algorithm", fingerprint.getAlgorithm()).put("value", fingerprint.getValue());
        }
        return json;
    }

    /** Transport options as {@link #toJson(WebRtcTransportInfo)} writes them. */
    public static WebRtcTransportInfo transportOptionsFromJson(JsonNode json) {
        JsonObject options = JsonObject.of(json, "");
        WebRtcTransportInfo.Builder transport = WebRtcTransportInfo.newBuilder().setId(options.requiredString("id"));
        JsonObject ice = options.optionalObject("iceParameters")
                .orElseThrow(() -> new RtpJsonException(options.path("iceParameters"), "missing"));
        IceParameters.Builder iceParameters = IceParameters.newBuilder()
                .setUsernameFragment(ice.requiredString("usernameFragment"))
                .setPassword(ice.requiredString("password"));
        ice.optionalBoolean("iceLite").ifPresent(iceParameters::setIceLite);
        transport.setIceParameters(iceParameters);
        options.requireArray("iceCandidates");
        options.forEachElement("iceCandidates", (candidate, path) -> transport.addIceCandidates(candidateFromJson(candidate, path)));
        JsonNode dtls = json.get("dtlsParameters");
        if (dtls == null || dtls.isNull()) {
            throw new RtpJsonException(options.path("dtlsParameters"), "missing");
        }
        transport.setDtlsParameters(dtlsParametersFromJson(dtls, options.path("dtlsParameters")));
        options.optionalObject("sctpParameters").ifPresent(sctp -> transport.setSctpParameters(SctpParameters.newBuilder()
                .setPort(sctp.requiredUint32("port"))
                .setOs(sctp.requiredUint32("OS"))
                .setMis(sctp.requiredUint32("MIS"))
                .setMaxMessageSize(sctp.requiredUint32("maxMessageSize"))));
        return transport.build();
    }

    /** The remote's DTLS parameters (mediasoup-client's transport {@code connect} event). */
    public static DtlsParameters dtlsParametersFromJson(JsonNode json, String path) {
        JsonObject dtls = JsonObject.of(json, path);
        String role = dtls.optionalString("role").orElse("auto");
        DtlsParameters.Builder builder = DtlsParameters.newBuilder().setRole(switch (role) {
            case "auto" -> DtlsRole.AUTO;
            case "client" -> DtlsRole.CLIENT;
            case "server" -> DtlsRole.SERVER;
            default -> throw new RtpJsonException(dtls.path("role"), "unknown role \"" + role + "\"");
        });
        dtls.requireArray("fingerprints");
        dtls.forEachElement("fingerprints", (fingerprintJson, fingerprintPath) -> {
            JsonObject fingerprint = JsonObject.of(fingerprintJson, fingerprintPath);
            builder.addFingerprints(DtlsFingerprint.newBuilder()
                    .setAlgorithm(fingerprint.requiredString("algorithm"))
                    .setValue(fingerprint.requiredString("value")));
        });
        if (builder.getFingerprintsCount() == 0) {
            throw new RtpJsonException(dtls.path("fingerprints"), "expected at least one fingerprint");
        }
        return builder.build();
    }

    private static IceCandidate candidateFromJson(JsonNode json, String path) {
        JsonObject candidate = JsonObject.of(json, path);
        String address = candidate.optionalString("address").orElseGet(() -> candidate.requiredString("ip"));
        String protocol = candidate.requiredString("protocol");
        if (!protocol.equals("udp") && !protocol.equals("tcp")) {
            throw new RtpJsonException(candidate.path("protocol"), "protocol is \"udp\" or \"tcp\", not \"" + protocol + "\"");
        }
        IceCandidate.Builder builder = IceCandidate.newBuilder()
                .setFoundation(candidate.requiredString("foundation"))
                .setPriority(candidate.requiredUint32("priority"))
                .setAddress(address)
                .setProtocol(protocol.equals("tcp") ? TransportProtocol.TCP : TransportProtocol.UDP)
                .setPort(candidate.requiredUint32("port"))
                .setType(candidate.requiredString("type"));
        candidate.optionalString("tcpType").ifPresent(builder::setTcpType);
        return builder.build();
    }
}
