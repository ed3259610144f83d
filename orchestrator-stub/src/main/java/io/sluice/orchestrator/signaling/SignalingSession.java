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
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One browser's WebSocket (docs/signaling.md): its join token, its room, and the transports,
 * producers and consumers it owns. Every request is checked against the token and ownership
 * before anything reaches a worker. The worker's events about what it owns arrive through
 * {@link EventRelay} (the {@code on...} methods, on the NATS dispatcher thread) and become
 * notifications; its simulcast and SVC consumers are handed to the rooms' layer policy. Replies
 * and notifications leave through {@code sender}, which must be callable from any thread (worker
 * replies complete on jnats threads). A joined session outlives its WebSocket for a while
 * ({@link Sessions}): detached, it keeps what it owns and buffers its notifications until its
 * browser resumes it on a new socket, and it writes its state to the {@link SessionStore}.
 */
final class SignalingSession {

    private static final Logger log = LoggerFactory.getLogger(SignalingSession.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A scalability mode's spatial layer count (W3C webrtc-svc: L3T3, S3T3, L2T2_KEY...). */
    private static final Pattern SPATIAL_LAYERS = Pattern.compile("^[LS](\\d+)T\\d+");
    private static final int PRIORITY_MAX = 255;

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
    private final PeerData data;
    private volatile JoinToken token;
    /** A join is being admitted (its token checked against Redis): a second join or resume must wait. */
    private volatile boolean joining;
    /** Creations sent to the worker and not answered yet, counted against the per-peer limits. */
    private final AtomicInteger pendingTransports = new AtomicInteger();
    private final AtomicInteger pendingProducers = new AtomicInteger();
    private final AtomicInteger pendingConsumers = new AtomicInteger();
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
            case "createWebRtcTransport" -> createWebRtcTransport(data);
            case "connectTransport" -> media.transport(data).client().connect(
                    SignalingJson.dtlsParameters(data.get("dtlsParameters"))).thenApply(role -> null);
            case "produce" -> produce(data);
            case "consume" -> consume(data);
            case "resumeConsumer" -> media.consumer(data).resume().thenApply(ignored -> null);
            case "pauseConsumer" -> media.consumer(data).pause().thenApply(ignored -> null);
            case "setPreferredLayers" -> setPreferredLayers(data);
            case "setConsumerPriority" -> setConsumerPriority(data);
            case "getConsumerStats" -> media.consumer(data).getStats().thenApply(MediaStateJson::consumerStats);
            case "pauseProducer" -> media.producer(data).pause().thenApply(ignored -> null);
            case "resumeProducer" -> media.producer(data).resume().thenApply(ignored -> null);
            case "getProducerStats" -> media.producer(data).getStats().thenApply(MediaStateJson::producerStats);
            case "closeProducer" -> closeProducer(data);
            case "produceData" -> this.data.produceData(media.transport(data), data);
            case "consumeData" -> this.data.consumeData(media.transport(data), data);
            case "closeDataProducer" -> this.data.closeDataProducer(data);
            case "restartIce" -> restartIce(data);
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

    private CompletableFuture<JsonNode> createWebRtcTransport(JsonNode data) {
        String direction = SignalingJson.text(data, "direction", "createWebRtcTransport");
        if (!direction.equals("send") && !direction.equals("recv")) {
            throw new SignalingException(SignalingException.INVALID_ARGUMENT,
                    "createWebRtcTransport.direction: expected send or recv");
        }
        boolean sending = direction.equals("send");
        if (sending && !token.mayProduce(JoinToken.AUDIO) && !token.mayProduce(JoinToken.VIDEO)) {
            throw new SignalingException(SignalingException.PERMISSION_DENIED, "the token allows no producing");
        }
        RouterCreateWebRtcTransportRequest.Builder request = RouterCreateWebRtcTransportRequest.newBuilder()
                .setUserId(token.userId());
        SignalingJson.sctpStreams(data).ifPresent(streams -> request
                .setEnableSctp(true).setNumSctpStreams(streams));
        int joinedGeneration = generation;
        reserve(pendingTransports, transports.size(), limits.transportsPerPeer(), "transports");
        return released(pendingTransports, router().createWebRtcTransport(request.build(), null).thenApply(transport -> {
            if (joinedGeneration != generation) {
                transport.close();
                throw moved();
            }
            transports.put(transport.id(), new PeerMedia.OwnedTransport(transport, sending));
            rooms.own(transport.id(), this);
            persist();
            if (left) {
                transport.close();
            }
            return SignalingJson.transportOptions(transport.createdInfo());
        }));
    }

    /**
     * Counts one creation against a per-peer limit ({@link SignalingLimits}) before it is sent:
     * what the peer owns plus what it asked for and has not got yet, so that a burst of requests
     * sent before the first reply is stopped at the limit too.
     */
    static void reserve(AtomicInteger pending, int owned, int limit, String what) {
        if (owned + pending.get() >= limit) {
            throw new SignalingException(SignalingException.RESOURCE_EXHAUSTED,
                    "a peer may hold at most " + limit + " " + what);
        }
        pending.incrementAndGet();
    }

    /** Ends a {@link #reserve}d creation once it is owned or failed. */
    static <T> CompletableFuture<T> released(AtomicInteger pending, CompletableFuture<T> creation) {
        return creation.whenComplete((created, failure) -> pending.decrementAndGet());
    }

    private CompletableFuture<JsonNode> produce(JsonNode data) {
        PeerMedia.OwnedTransport transport = media.transport(data);
        String kind = SignalingJson.text(data, "kind", "produce");
        SignalingJson.kind(kind);
        if (!transport.sending()) {
            throw new SignalingException(SignalingException.FAILED_PRECONDITION, "produce on a recv transport");
        }
        if (!token.mayProduce(kind)) {
            throw new SignalingException(SignalingException.PERMISSION_DENIED, "the token does not allow " + kind);
        }
        Room joined = room;
        RouterClient own = router();
        RtpParameters rtpParameters = RtpJson.parametersFromJson(data.get("rtpParameters"));
        int joinedGeneration = generation;
        reserve(pendingProducers, producers.size(), limits.producersPerPeer(), "producers");
        return released(pendingProducers, transport.client().produce(SignalingJson.kind(kind), rtpParameters, null)
                .thenApply(producer -> {
            if (joinedGeneration != generation) {
                throw moved();
            }
            producers.put(producer.id(), producer);
            rooms.own(producer.id(), this);
            joined.spread().producedOn(producer.id(), own);
            persist();
            Room.PublishedProducer published = new Room.PublishedProducer(producer.id(), peerId, token.userId(),
                    kind);
            joined.addProducer(published);
            if (kind.equals("audio")) {
                pipedTo(joined, producer.id(), own, joined.router())
                        .thenCompose(piped -> joined.activeSpeaker())
                        .thenCompose(observer -> observer.addProducer(producer.id()))
                        .exceptionally(failure -> {
                            log.warn("peer {}: audio producer {} not observed for the dominant speaker: {}", peerId,
                                    producer.id(), failure.toString());
                            return null;
                        });
            }
            for (SignalingSession other : joined.otherPeers(peerId)) {
                other.notify("newProducer", producerJson(published));
            }
            rooms.bus().publish(joined.id(), "newProducer", producerJson(published)
                    .put("routerId", own.id()).put("workerId", own.workerId()));
            return SignalingJson.NODES.objectNode().put("id", producer.id());
        }));
    }

    private CompletableFuture<JsonNode> consume(JsonNode data) {
        PeerMedia.OwnedTransport transport = media.transport(data);
        if (transport.sending()) {
            throw new SignalingException(SignalingException.FAILED_PRECONDITION, "consume on a send transport");
        }
        String producerId = SignalingJson.text(data, "producerId", "consume");
        Room joined = room;
        int joinedGeneration = generation;
        if (joined.producer(producerId) == null) {
            throw new SignalingException(SignalingException.NOT_FOUND, "no producer " + producerId + " in this room");
        }
        RtpCapabilities capabilities = RtpJson.capabilitiesFromJson(data.get("rtpCapabilities"));
        reserve(pendingConsumers, consumers.size(), limits.consumersPerPeer(), "consumers");
        RouterClient own = router();
        // Paused: the browser resumes once its consumer exists, so the first key frame is not lost.
        return released(pendingConsumers, pipedTo(joined, producerId, joined.spread().routerOf(producerId), own)
                .thenCompose(piped -> transport.client().consume(producerId, capabilities, true, null))
                .thenApply(consumer -> {
                    if (joinedGeneration != generation) {
                        throw moved();
                    }
                    consumers.put(consumer.id(), consumer);
                    rooms.own(consumer.id(), this);
                    if (!joined.addSubscription(producerId, new Room.Subscription(consumer.id(), this))) {
                        consumers.remove(consumer.id());
                        rooms.disown(consumer.id());
                        throw new SignalingException(SignalingException.NOT_FOUND,
                                "producer " + producerId + " closed");
                    }
                    followLayers(consumer);
                    persist();
                    ObjectNode response = SignalingJson.NODES.objectNode();
                    response.put("id", consumer.id());
                    response.put("producerId", producerId);
                    response.put("kind", SignalingJson.kindName(consumer.kind()));
                    response.set("rtpParameters", RtpJson.toJson(consumer.rtpParameters()));
                    response.put("producerPaused", consumer.producerPaused());
                    response.put("type", consumer.type());
                    response.set("score", MediaStateJson.consumerScore(consumer.initialScore()));
                    if (consumer.initialPreferredLayers().isPresent()) {
                        response.set("preferredLayers", MediaStateJson.layers(consumer.initialPreferredLayers()));
                    }
                    return response;
                }));
    }

    /**
     * Makes the producer consumable on {@code target} under its id: nothing when it is on that
     * router already, else one router.pipeToRouter from its own router (idempotent on the worker, so
     * every consume of a spread router may ask).
     */
    private static CompletableFuture<Void> pipedTo(Room joined, String producerId, RouterClient source,
            RouterClient target) {
        if (source.id().equals(target.id())) {
            return CompletableFuture.completedFuture(null);
        }
        return source.pipeToRouter(producerId, target).thenAccept(piped -> joined.spread().piped(producerId, target.id()));
    }

    private CompletableFuture<JsonNode> closeProducer(JsonNode data) {
        String producerId = SignalingJson.text(data, "producerId", "closeProducer");
        ProducerClient producer = producers.remove(producerId);
        if (producer == null) {
            throw new SignalingException(SignalingException.NOT_FOUND, "no producer " + producerId + " of this peer");
        }
        rooms.disown(producerId);
        persist();
        return producer.close().thenApply(ignored -> {
            announceProducerClosed(room, producerId);
            return null;
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
                    announceProducerClosed(joined, producerId);
                }
            }
            for (ConsumerClient consumer : List.copyOf(consumers.values())) {
                forgetConsumer(consumer);
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

    private void announceProducerClosed(Room joined, String producerId) {
        List<Room.Subscription> subscriptions = joined.removeProducer(producerId);
        ObjectNode closed = SignalingJson.NODES.objectNode().put("producerId", producerId);
        for (SignalingSession other : joined.otherPeers(peerId)) {
            other.notify("producerClosed", closed);
        }
        for (Room.Subscription subscription : subscriptions) {
            subscription.owner().consumerClosed(subscription.consumerId(), producerId);
        }
        rooms.bus().publish(joined.id(), "producerClosed", closed);
    }

    /** A notification about another server's peer of the room (RoomBus). */
    void tell(String method, JsonNode data) {
        notify(method, data);
    }

    /** A producer of a peer on another server closed, and with it this peer's consumer of it. */
    void remoteProducerClosed(String consumerId, String producerId) {
        consumerClosed(consumerId, producerId);
    }

    private void consumerClosed(String consumerId, String producerId) {
        ConsumerClient consumer = consumers.get(consumerId);
        if (consumer != null && forgetConsumer(consumer)) {
            notify("consumerClosed", SignalingJson.NODES.objectNode().put("consumerId", consumerId)
                    .put("producerId", producerId));
        }
    }

    /** Drops a closed consumer everywhere; false when another path already did. */
    private boolean forgetConsumer(ConsumerClient consumer) {
        if (consumers.remove(consumer.id()) == null) {
            return false;
        }
        rooms.disown(consumer.id());
        rooms.layerPolicy().consumerRemoved(consumer.id());
        Room joined = room;
        if (joined != null) {
            joined.removeSubscription(consumer.producerId(), consumer.id());
        }
        persist();
        return true;
    }

    private CompletableFuture<JsonNode> setPreferredLayers(JsonNode data) {
        ConsumerClient consumer = media.consumer(data);
        ConsumerLayers requested = MediaStateJson.layersFromRequest(data, "setPreferredLayers");
        return consumer.setPreferredLayers(requested).thenApply(effective -> {
            rooms.layerPolicy().layersRequested(consumer.id(), effective);
            return MediaStateJson.layers(Optional.of(effective));
        });
    }

    private CompletableFuture<JsonNode> setConsumerPriority(JsonNode data) {
        ConsumerClient consumer = media.consumer(data);
        JsonNode priority = data.get("priority");
        if (priority == null || !priority.isIntegralNumber() || priority.asInt() < 1
                || priority.asInt() > PRIORITY_MAX) {
            throw new SignalingException(SignalingException.INVALID_ARGUMENT,
                    "setConsumerPriority.priority: expected an integer from 1 to " + PRIORITY_MAX);
        }
        return consumer.setPriority(priority.asInt())
                .thenApply(effective -> SignalingJson.NODES.objectNode().put("priority", effective));
    }

    private CompletableFuture<JsonNode> restartIce(JsonNode data) {
        return media.transport(data).client().restartIce().thenApply(ice -> {
            ObjectNode response = SignalingJson.NODES.objectNode();
            response.putObject("iceParameters").put("usernameFragment", ice.getUsernameFragment())
                    .put("password", ice.getPassword()).put("iceLite", ice.getIceLite());
            return response;
        });
    }

    /**
     * Hands a simulcast or SVC consumer to the layer policy, with the layers in effect as its
     * ceiling (or, from a worker that does not answer them, the highest spatial layer its
     * scalability mode announces).
     */
    private void followLayers(ConsumerClient consumer) {
        if (consumer.type().equals("simple")) {
            return;
        }
        Optional<ConsumerLayers> ceiling = consumer.initialPreferredLayers().or(() -> {
            String mode = consumer.rtpParameters().getEncodingsCount() == 0 ? ""
                    : consumer.rtpParameters().getEncodings(0).getScalabilityMode();
            Matcher matcher = SPATIAL_LAYERS.matcher(mode);
            return matcher.find() ? Optional.of(ConsumerLayers.newBuilder()
                    .setSpatialLayer(Integer.parseInt(matcher.group(1)) - 1).build()) : Optional.empty();
        });
        if (ceiling.isPresent()) {
            rooms.layerPolicy().consumerAdded(consumer.id(), ceiling.get());
        } else {
            log.debug("peer {}: {} consumer {} has no layers to follow", peerId, consumer.type(), consumer.id());
        }
    }

    /** What the layer policy chose for one of this peer's consumers. */
    void applyPolicyLayers(String consumerId, ConsumerLayers layers) {
        ConsumerClient consumer = consumers.get(consumerId);
        if (consumer == null) {
            return;
        }
        log.info("peer {}: layer policy moves consumer {} to spatial layer {}", peerId, consumerId,
                layers.getSpatialLayer());
        consumer.setPreferredLayers(layers).whenComplete((effective, failure) -> {
            if (failure != null) {
                log.warn("peer {}: setPreferredLayers of consumer {} failed: {}", peerId, consumerId,
                        unwrap(failure).getMessage());
            }
        });
    }

    // Worker events (EventRelay), on the NATS dispatcher thread.

    void onConsumerClosedByWorker(String consumerId) {
        ConsumerClient consumer = consumers.get(consumerId);
        if (consumer != null) {
            consumerClosed(consumerId, consumer.producerId());
        }
    }

    void onProducerClosedByWorker(String producerId) {
        Room joined = room;
        if (producers.remove(producerId) != null && joined != null) {
            rooms.disown(producerId);
            persist();
            announceProducerClosed(joined, producerId);
            notify("producerClosed", SignalingJson.NODES.objectNode().put("producerId", producerId));
        }
    }

    void onConsumerProducerPaused(String consumerId, boolean producerPaused) {
        if (consumers.containsKey(consumerId)) {
            notify(producerPaused ? "consumerPaused" : "consumerResumed", SignalingJson.NODES.objectNode()
                    .put("consumerId", consumerId).put("producerPaused", producerPaused));
        }
    }

    void onConsumerScore(String consumerId, ConsumerScore score) {
        if (!consumers.containsKey(consumerId)) {
            return;
        }
        ObjectNode notification = SignalingJson.NODES.objectNode().put("consumerId", consumerId);
        notification.setAll(MediaStateJson.consumerScore(score));
        notify("consumerScore", notification);
        rooms.layerPolicy().onScore(consumerId, score).ifPresent(layers -> applyPolicyLayers(consumerId, layers));
    }

    void onProducerScore(String producerId, ProducerScore score) {
        if (producers.containsKey(producerId)) {
            ObjectNode notification = SignalingJson.NODES.objectNode().put("producerId", producerId);
            notification.set("score", MediaStateJson.producerScore(score));
            notify("producerScore", notification);
        }
    }

    void onConsumerLayersChanged(String consumerId, Optional<ConsumerLayers> layers) {
        if (consumers.containsKey(consumerId)) {
            ObjectNode notification = SignalingJson.NODES.objectNode().put("consumerId", consumerId);
            notification.setAll(MediaStateJson.layers(layers));
            notify("consumerLayersChanged", notification);
        }
    }

    void onTransportState(String transportId, String member, String state, String reason) {
        if (transports.containsKey(transportId)) {
            ObjectNode notification = SignalingJson.NODES.objectNode().put("transportId", transportId)
                    .put(member, state);
            if (!reason.isEmpty()) {
                notification.put("reason", reason);
            }
            notify("transportStateChanged", notification);
        }
    }

    void onTransportClosedByWorker(String transportId, String reason) {
        if (transports.remove(transportId) != null) {
            rooms.disown(transportId);
            persist();
            notify("transportClosed", SignalingJson.NODES.objectNode().put("transportId", transportId)
                    .put("reason", reason));
        }
    }

    /**
     * After missed events: re-reads this peer's producers and consumers with dump requests; the
     * ones the worker no longer has are closed here as their events would have, the others'
     * producer pause and layers are sent again.
     */
    void resync() {
        for (ProducerClient producer : List.copyOf(producers.values())) {
            producer.dump().whenComplete((dump, failure) -> {
                if (isNotFound(failure)) {
                    onProducerClosedByWorker(producer.id());
                } else if (failure != null) {
                    log.warn("peer {}: re-reading producer {} failed: {}", peerId, producer.id(),
                            unwrap(failure).getMessage());
                }
            });
        }
        for (ConsumerClient consumer : List.copyOf(consumers.values())) {
            consumer.dump().whenComplete((dump, failure) -> {
                if (isNotFound(failure)) {
                    onConsumerClosedByWorker(consumer.id());
                } else if (dump != null) {
                    onConsumerProducerPaused(consumer.id(), dump.getProducerPaused());
                    if (!consumer.type().equals("simple")) {
                        onConsumerLayersChanged(consumer.id(), dump.hasCurrentLayers()
                                ? Optional.of(dump.getCurrentLayers()) : Optional.empty());
                    }
                } else {
                    log.warn("peer {}: re-reading consumer {} failed: {}", peerId, consumer.id(),
                            unwrap(failure).getMessage());
                }
            });
        }
    }

    private static boolean isNotFound(Throwable failure) {
        return failure != null && unwrap(failure) instanceof SluiceRequestException worker
                && worker.code() == ErrorCode.NOT_FOUND;
    }

    void notify(String method, JsonNode data) {
        if (left) {
            return;
        }
        ObjectNode notification = SignalingJson.NODES.objectNode();
        notification.put("notification", true).put("method", method).set("data", data);
        send(notification.toString());
    }

    private static ObjectNode producerJson(Room.PublishedProducer producer) {
        return SignalingJson.NODES.objectNode().put("producerId", producer.producerId())
                .put("peerId", producer.peerId()).put("userId", producer.userId()).put("kind", producer.kind());
    }

    private void sendError(JsonNode id, String code, String message) {
        ObjectNode response = SignalingJson.NODES.objectNode();
        response.put("response", true).set("id", id);
        response.put("ok", false).putObject("error").put("code", code).put("message", message);
        send(response.toString());
    }

    private static Throwable unwrap(Throwable failure) {
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
