package io.sluice.orchestrator.signaling;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.api.json.RtpJson;
import io.sluice.api.json.RtpJsonException;
import io.sluice.api.v1.ConsumerLayers;
import io.sluice.api.v1.ConsumerScore;
import io.sluice.api.v1.ErrorCode;
import io.sluice.api.v1.ProducerScore;
import io.sluice.api.v1.RouterCreateWebRtcTransportRequest;
import io.sluice.api.v1.RtpCapabilities;
import io.sluice.api.v1.RtpParameters;
import io.sluice.orchestrator.client.ConsumerClient;
import io.sluice.orchestrator.client.ProducerClient;
import io.sluice.orchestrator.client.RouterClient;
import io.sluice.orchestrator.client.SluiceRequestException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One browser's WebSocket (docs/signaling.md): its join token, its room, and the transports,
 * producers and consumers it owns ({@link PeerMedia}). It reads each request and answers it; join,
 * resume, leave and reconnect are its own, the media requests are {@link PeerMediaRequests}', the
 * DataChannel ones {@link PeerData}'s. Every request is checked against the token and ownership
 * before anything reaches a worker. The worker's events about what it owns become notifications
 * in {@link PeerMediaEvents}. Replies and notifications leave through {@code sender}, which must
 * be callable from any thread (worker replies complete on jnats threads). A joined session
 * outlives its WebSocket for a while ({@link Sessions}): detached, it keeps what it owns and
 * buffers its notifications until its browser resumes it on a new socket, and it writes its state
 * to the {@link SessionStore}.
 */
final class SignalingSession {

    private static final Logger log = LoggerFactory.getLogger(SignalingSession.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Rooms rooms;
    private final Sessions sessions;
    private final JoinAdmission admission;
    private final SignalingLimits limits;
    private final String peerId;
    private final SessionLink link;
    /** Told when a {@code resume} on this socket took over another session. */
    private final Consumer<SignalingSession> onResumed;
    private volatile String resumeTokenHash;
    private final PeerMedia media;
    private final Map<String, PeerMedia.OwnedTransport> transports;
    private final Map<String, ProducerClient> producers;
    private final Map<String, ConsumerClient> consumers;
    private final PeerMediaRequests mediaRequests;
    private final PeerMediaEvents mediaEvents;
    private final PeerData data;
    private volatile JoinToken token;
    /** A join is being admitted (its token checked against Redis): a second join or resume must wait. */
    private volatile boolean joining;
    private volatile Room room;
    /** The router this peer's transports are on: the room's home router or one it spread to. */
    private volatile RouterClient ownRouter;
    private volatile boolean left;
    /** Counts the rooms this session joined: a reply from an earlier router is not kept. */
    private volatile int generation;

    /**
     * A new socket's session, attached to {@code attachment} (its channel).
     *
     * @param onResumed told when a {@code resume} request on this socket took over a detached session,
     *     which then answers this socket's later requests
     */
    SignalingSession(Rooms rooms, Sessions sessions, JoinAdmission admission, Object attachment,
            Consumer<String> sender, Consumer<SignalingSession> onResumed) {
        this.rooms = Objects.requireNonNull(rooms, "rooms");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.admission = Objects.requireNonNull(admission, "admission");
        this.limits = sessions.limits();
        this.peerId = UUID.randomUUID().toString();
        this.link = new SessionLink(Objects.requireNonNull(attachment, "attachment"),
                Objects.requireNonNull(sender, "sender"));
        this.onResumed = Objects.requireNonNull(onResumed, "onResumed");
        this.media = new PeerMedia();
        this.transports = media.transports;
        this.producers = media.producers;
        this.consumers = media.consumers;
        this.mediaRequests = new PeerMediaRequests(this, rooms, limits, media);
        this.mediaEvents = new PeerMediaEvents(this, rooms, media);
        this.data = new PeerData(this, rooms, limits);
    }

    /** A stored session, restored detached by a server that started after the one it joined. */
    private SignalingSession(Rooms rooms, Sessions sessions, SessionRecord record, PeerMedia media) {
        this.rooms = rooms;
        this.sessions = sessions;
        // A restored session has joined already: it is only ever resumed, never admitted again.
        this.admission = null;
        this.limits = sessions.limits();
        this.peerId = record.peerId();
        this.link = new SessionLink();
        this.onResumed = resumed -> { };
        this.media = media;
        this.transports = media.transports;
        this.producers = media.producers;
        this.consumers = media.consumers;
        this.mediaRequests = new PeerMediaRequests(this, rooms, limits, media);
        this.mediaEvents = new PeerMediaEvents(this, rooms, media);
        this.data = new PeerData(this, rooms, limits);
        this.resumeTokenHash = record.resumeTokenHash();
        this.token = new JoinToken(record.userId(), record.roomId(), java.util.Set.copyOf(record.permissions()));
    }

    /**
     * The session of {@code record} in {@code room}, owning the record's transports, producers and
     * consumers again (clients made from the worker's stored creation replies). The caller adds its
     * producers and subscriptions to the room.
     */
    static SignalingSession restore(Rooms rooms, Sessions sessions, SessionRecord record, Room room,
            RouterClient router) throws com.google.protobuf.InvalidProtocolBufferException {
        SignalingSession session = new SignalingSession(rooms, sessions, record, PeerMedia.restore(record, router));
        session.room = room;
        session.ownRouter = router;
        session.media.ids().forEach(id -> rooms.own(id, session));
        return session;
    }

    /** Where the room placed this peer ({@link Rooms#join}), before the join is answered. */
    void useRouter(RouterClient router) {
        ownRouter = router;
    }

    /**
     * The router of this peer's transports; the room's home router until the room placed the peer,
     * null before it joined.
     */
    RouterClient router() {
        RouterClient own = ownRouter;
        Room current = room;
        return own != null ? own : current == null ? null : current.router();
    }

    /** This peer's requests about its transports, producers and consumers. */
    PeerMediaRequests mediaRequests() {
        return mediaRequests;
    }

    /** What the worker and the room tell about this peer's media. */
    PeerMediaEvents mediaEvents() {
        return mediaEvents;
    }

    /** This peer's DataChannels. */
    PeerData data() {
        return data;
    }

    Room room() {
        return room;
    }

    String userId() {
        return token.userId();
    }

    /** The join token; null before the join is admitted and after the room lost its router. */
    JoinToken token() {
        return token;
    }

    /** True once the peer left: nothing it asked for is kept any more. */
    boolean hasLeft() {
        return left;
    }

    /** Changes when the room lost its router ({@link #reconnect}): what a pending creation compares. */
    int generation() {
        return generation;
    }

    String resumeTokenHash() {
        return resumeTokenHash;
    }

    Map<String, ProducerClient> ownProducers() {
        return producers;
    }

    Map<String, ConsumerClient> ownConsumers() {
        return consumers;
    }

    boolean isDetached() {
        return link.isDetached();
    }

    /**
     * The session's socket closed without {@code leave}: from now on its notifications are kept
     * for a resume. A no-op when another socket took the session over meanwhile.
     */
    void detach(Object closedSocket) {
        if (left || token == null || !link.detach(closedSocket)) {
            return;
        }
        log.info("peer {} detached: its media flows on until it resumes or the grace ends", peerId);
        sessions.detached(this);
    }

    /** Takes the session over on a new socket: the kept notifications go out first, in order. */
    private ObjectNode attach(Object socket, Consumer<String> socketSender) {
        link.attach(socket, socketSender);
        return resumeState();
    }

    private void send(String message) {
        link.send(message);
    }

    String peerId() {
        return peerId;
    }

    /** True when this session is {@code userId}'s in {@code roomId} and has not left. */
    boolean isOf(String userId, String roomId) {
        JoinToken joined = token;
        Room current = room;
        return !left && joined != null && current != null && joined.userId().equals(userId)
                && current.id().equals(roomId);
    }

    /** A text frame from the browser: one request; the response is sent when it completes. */
    void onText(String text) {
        JsonNode message;
        try {
            message = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            sendError(null, SignalingException.INVALID_ARGUMENT, "not JSON: " + e.getOriginalMessage());
            return;
        }
        JsonNode id = message.get("id");
        JsonNode method = message.get("method");
        if (!message.path("request").asBoolean(false) || id == null || method == null || !method.isTextual()) {
            sendError(id, SignalingException.INVALID_ARGUMENT, "expected {request: true, id, method, data}");
            return;
        }
        CompletableFuture<JsonNode> outcome;
        try {
            outcome = handle(method.asText(), message.path("data"));
        } catch (RuntimeException e) {
            outcome = CompletableFuture.failedFuture(e);
        }
        outcome.whenComplete((data, failure) -> {
            if (failure == null) {
                ObjectNode response = SignalingJson.NODES.objectNode();
                response.put("response", true).set("id", id);
                response.put("ok", true).set("data", data == null ? SignalingJson.NODES.objectNode() : data);
                send(response.toString());
            } else {
                Throwable cause = unwrap(failure);
                sendError(id, codeOf(cause), String.valueOf(cause.getMessage()));
                if (codeOf(cause).equals("INTERNAL")) {
                    log.warn("peer {}: {} failed", peerId, method.asText(), cause);
                }
            }
        });
    }

    private CompletableFuture<JsonNode> handle(String method, JsonNode data) {
        if (method.equals("join")) {
            return join(data);
        }
        if (method.equals("resume")) {
            return resume(data);
        }
        if (room == null || left) {
            throw new SignalingException(SignalingException.FAILED_PRECONDITION, method + " before join");
        }
        return switch (method) {
            case "getRouterRtpCapabilities" -> router().createdRtpCapabilities()
                    .map(CompletableFuture::completedFuture)
                    .orElseGet(() -> router().getRtpCapabilities())
                    .thenApply(RtpJson::toJson);
            case "createWebRtcTransport" -> mediaRequests.createWebRtcTransport(data);
            case "connectTransport" -> mediaRequests.connectTransport(data);
            case "produce" -> mediaRequests.produce(data);
            case "consume" -> mediaRequests.consume(data);
            case "resumeConsumer" -> mediaRequests.resumeConsumer(data);
            case "pauseConsumer" -> mediaRequests.pauseConsumer(data);
            case "setPreferredLayers" -> mediaRequests.setPreferredLayers(data);
            case "setConsumerPriority" -> mediaRequests.setConsumerPriority(data);
            case "getConsumerStats" -> mediaRequests.getConsumerStats(data);
            case "pauseProducer" -> mediaRequests.pauseProducer(data);
            case "resumeProducer" -> mediaRequests.resumeProducer(data);
            case "getProducerStats" -> mediaRequests.getProducerStats(data);
            case "closeProducer" -> mediaRequests.closeProducer(data);
            case "produceData" -> this.data.produceData(media.transport(data), data);
            case "consumeData" -> this.data.consumeData(media.transport(data), data);
            case "closeDataProducer" -> this.data.closeDataProducer(data);
            case "restartIce" -> mediaRequests.restartIce(data);
            case "leave" -> leave().thenApply(ignored -> null);
            default -> throw new SignalingException(SignalingException.NOT_FOUND, "unknown method " + method);
        };
    }

    /**
     * Takes over the detached session the request names, on this socket; answers its state, from
     * which the browser drops what closed meanwhile and consumes what is new.
     */
    private CompletableFuture<JsonNode> resume(JsonNode data) {
        if (token != null || joining) {
            throw new SignalingException(SignalingException.FAILED_PRECONDITION, "already joined");
        }
        String resumedPeer = SignalingJson.text(data, "peerId", "resume");
        String resumeToken = SignalingJson.text(data, "resumeToken", "resume");
        Object socket = link.socket();
        Consumer<String> socketSender = link.sender();
        return sessions.find(resumedPeer, resumeToken).thenApply(resumed -> {
            ObjectNode state = resumed.attach(socket, socketSender);
            onResumed.accept(resumed);
            log.info("peer {} resumed its session", resumedPeer);
            return state;
        });
    }

    /** What {@code resume} answers: the peer, the room's other producers, and what the peer owns. */
    private ObjectNode resumeState() {
        ObjectNode response = SignalingJson.NODES.objectNode();
        response.put("peerId", peerId);
        JoinToken joined = token;
        Room current = room;
        response.put("userId", joined == null ? "" : joined.userId());
        ArrayNode permissions = response.putArray("permissions");
        if (joined != null) {
            new java.util.TreeSet<>(joined.permissions()).forEach(permissions::add);
        }
        ArrayNode others = response.putArray("producers");
        if (current != null) {
            current.producers().stream().filter(producer -> !producer.peerId().equals(peerId))
                    .forEach(producer -> others.add(producerJson(producer)));
        }
        if (current != null) {
            PeerData.describe(current, peerId, response);
        }
        media.describe(response);
        return response;
    }

    /** Writes what the session owns to the store, under this server's id (after every change of it). */
    synchronized void persist() {
        Room current = room;
        JoinToken joined = token;
        RouterClient own = router();
        if (left || current == null || own == null || joined == null || resumeTokenHash == null) {
            return;
        }
        sessions.store().save(new SessionRecord(peerId, sessions.stubId(), resumeTokenHash, joined.userId(), current.id(),
                List.copyOf(joined.permissions()), own.workerId(), own.id(),
                media.storedTransports(), media.storedProducers(), media.storedConsumers()));
    }

    private CompletableFuture<JsonNode> join(JsonNode data) {
        if (token != null || joining) {
            throw new SignalingException(SignalingException.FAILED_PRECONDITION, "already joined");
        }
        String roomId = SignalingJson.text(data, "roomId", "join");
        String tokenText = SignalingJson.text(data, "token", "join");
        joining = true;
        CompletableFuture<JoinToken> admitted;
        try {
            admitted = admission.admit(tokenText, roomId, peerId);
        } catch (RuntimeException e) {
            joining = false;
            throw e;
        }
        return admitted.thenCompose(verified -> admitted(verified, roomId)).whenComplete((response, failure) -> {
            if (failure != null) {
                sessions.releaseClaim(peerId);
                joining = false;
            }
        });
    }

    private CompletableFuture<JsonNode> admitted(JoinToken verified, String roomId) {
        token = verified;
        joining = false;
        return rooms.join(roomId, this).thenApply(joined -> {
            room = joined;
            String resumeToken = Sessions.newResumeToken();
            resumeTokenHash = Sessions.hash(resumeToken);
            sessions.joined(this);
            persist();
            ObjectNode response = SignalingJson.NODES.objectNode();
            response.put("peerId", peerId);
            response.put("resumeToken", resumeToken);
            response.put("userId", verified.userId());
            ArrayNode permissions = response.putArray("permissions");
            verified.permissions().forEach(permissions::add);
            ArrayNode existing = response.putArray("producers");
            for (Room.PublishedProducer producer : joined.producers()) {
                existing.add(producerJson(producer));
            }
            PeerData.describe(joined, peerId, response);
            log.info("peer {} (user {}) joined room {}", peerId, verified.userId(), roomId);
            return response;
        });
    }

    /**
     * Leaves the room (a {@code leave} request, or the WebSocket closed): closes this peer's
     * transports (the worker closes their producers and consumers) and tells the others.
     */
    CompletableFuture<Void> leave() {
        Room joined = room;
        if (left || joined == null) {
            left = true;
            return CompletableFuture.completedFuture(null);
        }
        left = true;
        sessions.left(this, joined.id());
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        transports.values().forEach(transport -> closing.add(transport.client().close()
                .exceptionally(failure -> null)));
        return CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).thenRun(() -> {
            // Removed one by one: a producer's closed event may be announcing it meanwhile.
            for (String producerId : List.copyOf(producers.keySet())) {
                if (producers.remove(producerId) != null) {
                    rooms.disown(producerId);
                    mediaEvents.announceProducerClosed(joined, producerId);
                }
            }
            for (ConsumerClient consumer : List.copyOf(consumers.values())) {
                mediaEvents.forgetConsumer(consumer);
            }
            data.left(joined);
            transports.keySet().forEach(rooms::disown);
            transports.clear();
            rooms.leave(joined, peerId);
            ObjectNode gone = SignalingJson.NODES.objectNode().put("peerId", peerId);
            joined.otherPeers(peerId).forEach(other -> other.notify("peerLeft", gone));
            rooms.bus().publish(joined.id(), "peerLeft", gone);
            log.info("peer {} left room {}", peerId, joined.id());
        });
    }

    /**
     * The room's router went away (docs/signaling.md, {@code reconnect}): forgets everything this
     * peer had on it, closes its transports there in case the worker still lives (a draining
     * one), and tells the browser to join again, which places it on the room's next router.
     * The WebSocket stays open; the peer keeps its id.
     */
    void reconnect(String reason) {
        Room joined = room;
        if (left || joined == null) {
            return;
        }
        generation++;
        sessions.left(this, joined.id());
        room = null;
        ownRouter = null;
        token = null;
        resumeTokenHash = null;
        for (PeerMedia.OwnedTransport transport : List.copyOf(transports.values())) {
            rooms.disown(transport.client().id());
            transport.client().close().exceptionally(failure -> null);
        }
        transports.clear();
        producers.keySet().forEach(rooms::disown);
        producers.clear();
        for (String consumerId : List.copyOf(consumers.keySet())) {
            rooms.disown(consumerId);
            rooms.layerPolicy().consumerRemoved(consumerId);
        }
        consumers.clear();
        data.forgetAll();
        log.info("peer {} told to reconnect: room {} lost its router ({})", peerId, joined.id(), reason);
        notify("reconnect", SignalingJson.NODES.objectNode().put("reason", reason).put("roomId", joined.id()));
    }

    static SignalingException moved() {
        return new SignalingException(SignalingException.FAILED_PRECONDITION,
                "the room moved to another router meanwhile; join again");
    }

    /** A notification about another server's peer of the room (RoomBus). */
    void tell(String method, JsonNode data) {
        notify(method, data);
    }

    void notify(String method, JsonNode data) {
        if (left) {
            return;
        }
        ObjectNode notification = SignalingJson.NODES.objectNode();
        notification.put("notification", true).put("method", method).set("data", data);
        send(notification.toString());
    }

    static ObjectNode producerJson(Room.PublishedProducer producer) {
        return SignalingJson.NODES.objectNode().put("producerId", producer.producerId())
                .put("peerId", producer.peerId()).put("userId", producer.userId()).put("kind", producer.kind());
    }

    private void sendError(JsonNode id, String code, String message) {
        ObjectNode response = SignalingJson.NODES.objectNode();
        response.put("response", true).set("id", id);
        response.put("ok", false).putObject("error").put("code", code).put("message", message);
        send(response.toString());
    }

    static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static String codeOf(Throwable failure) {
        if (failure instanceof SignalingException signaling) {
            return signaling.code();
        }
        if (failure instanceof SluiceRequestException worker) {
            return worker.code().name();
        }
        if (failure instanceof RtpJsonException) {
            return SignalingException.INVALID_ARGUMENT;
        }
        return "INTERNAL";
    }
}
