package io.sluice.orchestrator.signaling;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;

/**
 * What a signaling server keeps of one peer's session outside its memory (docs/signaling.md,
 * "Resuming a session"), so that the same server after a restart, or a browser whose WebSocket
 * dropped, finds the peer's room, router and media again. The worker's creation replies are kept
 * as protobuf bytes (base64): a restored session answers exactly what the first one did.
 *
 * @param stubId          the signaling server holding the session (its {@code sluice:stub:<id>} key
 *                        lives while it runs)
 * @param resumeTokenHash SHA-256 of the peer's resume token (hex); the token itself is never stored
 * @param transports      transport id to its direction and creation reply
 * @param producers       producer id to kind ({@code audio}, {@code video})
 * @param consumers       consumer id to its producer and creation reply
 */
record SessionRecord(String peerId, String stubId, String resumeTokenHash, String userId, String roomId,
        List<String> permissions,
        String workerId, String routerId, Map<String, StoredTransport> transports, Map<String, String> producers,
        Map<String, StoredConsumer> consumers) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** @param created base64 of the {@code WebRtcTransportInfo} that router.createWebRtcTransport answered */
    record StoredTransport(boolean sending, String created) {}

    /** @param created base64 of the {@code TransportConsumeResponse} that transport.consume answered */
    record StoredConsumer(String producerId, String created) {}

    SessionRecord {
        permissions = List.copyOf(permissions);
        transports = Map.copyOf(transports);
        producers = Map.copyOf(producers);
        consumers = Map.copyOf(consumers);
    }

    String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a session record always serialises", e);
        }
    }

    static SessionRecord fromJson(String json) throws JsonProcessingException {
        return JSON.readValue(json, SessionRecord.class);
    }
}
