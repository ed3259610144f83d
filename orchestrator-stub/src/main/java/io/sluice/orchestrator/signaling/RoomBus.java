package io.sluice.orchestrator.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the signaling servers of one room tell each other (docs/signaling.md, "Several signaling
 * servers"): a peer on one server published or closed a producer, or left, and the peers on the
 * other servers are told as if it were theirs. One NATS subject per room,
 * {@code sluice.signaling.room.<base64url(roomId)>}; each message is JSON
 * {@code {"from": <stubId>, "event": newProducer|producerClosed|peerLeft, "data": {...}}} with the
 * data of the notification of that name; a server ignores its own messages.
 */
final class RoomBus implements AutoCloseable {

    /** Told, on a NATS thread, what a peer of another server did in a room this server follows. */
    interface Listener {
        void onRemote(String roomId, String event, JsonNode data);
    }

    static final RoomBus NONE = new RoomBus();

    private static final Logger log = LoggerFactory.getLogger(RoomBus.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = "sluice.signaling.room.";

    private final Connection nats;
    private final String stubId;
    private final Dispatcher dispatcher;

    private RoomBus() {
        this.nats = null;
        this.stubId = "";
        this.dispatcher = null;
    }

    RoomBus(Connection nats, String stubId, Listener listener) {
        this.nats = Objects.requireNonNull(nats, "nats");
        this.stubId = Objects.requireNonNull(stubId, "stubId");
        this.dispatcher = nats.createDispatcher(message -> {
            try {
                JsonNode body = JSON.readTree(message.getData());
                if (!stubId.equals(body.path("from").asText())) {
                    listener.onRemote(roomOf(message.getSubject()), body.path("event").asText(), body.path("data"));
                }
            } catch (IOException | IllegalArgumentException e) {
                log.warn("undecodable room message on {}: {}", message.getSubject(), e.getMessage());
            }
        });
    }

    static String subject(String roomId) {
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(roomId.getBytes(StandardCharsets.UTF_8));
    }

    private static String roomOf(String subject) {
        return new String(Base64.getUrlDecoder().decode(subject.substring(PREFIX.length())), StandardCharsets.UTF_8);
    }

    void follow(String roomId) {
        if (dispatcher != null) {
            dispatcher.subscribe(subject(roomId));
        }
    }

    void unfollow(String roomId) {
        if (dispatcher != null) {
            dispatcher.unsubscribe(subject(roomId));
        }
    }

    void publish(String roomId, String event, JsonNode data) {
        if (nats == null) {
            return;
        }
        ObjectNode body = SignalingJson.NODES.objectNode().put("from", stubId).put("event", event);
        body.set("data", data);
        nats.publish(subject(roomId), body.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        if (dispatcher != null) {
            nats.closeDispatcher(dispatcher);
        }
    }
}
