package io.sluice.orchestrator.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.api.json.RtpJson;
import io.sluice.api.v1.ConsumerLayers;
import io.sluice.api.v1.RouterCreateWebRtcTransportRequest;
import io.sluice.api.v1.RtpCapabilities;
import io.sluice.api.v1.RtpParameters;
import io.sluice.orchestrator.client.ConsumerClient;
import io.sluice.orchestrator.client.ProducerClient;
import io.sluice.orchestrator.client.RouterClient;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One session's requests about its media (docs/signaling.md): transports, producers and consumers
 * made on its room's router and changed there, each checked against the join token and ownership
 * ({@link PeerMedia}) before it reaches the worker. Creations count against the per-peer limits
 * while they are on their way. Called on the WebSocket's thread; replies complete on jnats threads,
 * and a reply from before the room lost its router ({@link SignalingSession#generation}) is not kept.
 * Its simulcast and SVC consumers are handed to the rooms' layer policy, whose choices come back
 * through {@link #applyPolicyLayers}.
 */
final class PeerMediaRequests {

    private static final Logger log = LoggerFactory.getLogger(PeerMediaRequests.class);
    /** A scalability mode's spatial layer count (W3C webrtc-svc: L3T3, S3T3, L2T2_KEY...). */
    private static final Pattern SPATIAL_LAYERS = Pattern.compile("^[LS](\\d+)T\\d+");
    private static final int PRIORITY_MAX = 255;

    private final SignalingSession session;
    private final Rooms rooms;
    private final SignalingLimits limits;
    private final PeerMedia media;
    /** Creations sent to the worker and not answered yet, counted against the per-peer limits. */
    private final AtomicInteger pendingTransports = new AtomicInteger();
    private final AtomicInteger pendingProducers = new AtomicInteger();
    private final AtomicInteger pendingConsumers = new AtomicInteger();

    PeerMediaRequests(SignalingSession session, Rooms rooms, SignalingLimits limits, PeerMedia media) {
        this.session = session;
        this.rooms = rooms;
        this.limits = limits;
        this.media = media;
    }

    CompletableFuture<JsonNode> connectTransport(JsonNode data) {
        return media.transport(data).client().connect(SignalingJson.dtlsParameters(data.get("dtlsParameters")))
                .thenApply(role -> null);
    }

    CompletableFuture<JsonNode> resumeConsumer(JsonNode data) {
        return media.consumer(data).resume().thenApply(ignored -> null);
    }

    CompletableFuture<JsonNode> pauseConsumer(JsonNode data) {
        return media.consumer(data).pause().thenApply(ignored -> null);
    }

    CompletableFuture<JsonNode> getConsumerStats(JsonNode data) {
        return media.consumer(data).getStats().thenApply(MediaStateJson::consumerStats);
    }

    CompletableFuture<JsonNode> pauseProducer(JsonNode data) {
        return media.producer(data).pause().thenApply(ignored -> null);
    }

    CompletableFuture<JsonNode> resumeProducer(JsonNode data) {
        return media.producer(data).resume().thenApply(ignored -> null);
    }

    CompletableFuture<JsonNode> getProducerStats(JsonNode data) {
        return media.producer(data).getStats().thenApply(MediaStateJson::producerStats);
    }

    CompletableFuture<JsonNode> createWebRtcTransport(JsonNode data) {
        String direction = SignalingJson.text(data, "direction", "createWebRtcTransport");
        if (!direction.equals("send") && !direction.equals("recv")) {
            throw new SignalingException(SignalingException.INVALID_ARGUMENT,
                    "createWebRtcTransport.direction: expected send or recv");
        }
        boolean sending = direction.equals("send");
        if (sending && !session.token().mayProduce(JoinToken.AUDIO) && !session.token().mayProduce(JoinToken.VIDEO)) {
            throw new SignalingException(SignalingException.PERMISSION_DENIED, "the token allows no producing");
        }
        RouterCreateWebRtcTransportRequest.Builder request = RouterCreateWebRtcTransportRequest.newBuilder()
                .setUserId(session.token().userId());
        SignalingJson.sctpStreams(data).ifPresent(streams -> request
                .setEnableSctp(true).setNumSctpStreams(streams));
        int joinedGeneration = session.generation();
        reserve(pendingTransports, media.transports.size(), limits.transportsPerPeer(), "transports");
        RouterClient own = session.router();
        return released(pendingTransports, own.createWebRtcTransport(request.build(), null).thenApply(transport -> {
            if (joinedGeneration != session.generation()) {
                transport.close();
                throw SignalingSession.moved();
            }
            media.transports.put(transport.id(), new PeerMedia.OwnedTransport(transport, sending));
            rooms.own(transport.id(), session);
            session.persist();
            if (session.hasLeft()) {
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

    CompletableFuture<JsonNode> produce(JsonNode data) {
        PeerMedia.OwnedTransport transport = media.transport(data);
        String kind = SignalingJson.text(data, "kind", "produce");
        SignalingJson.kind(kind);
        if (!transport.sending()) {
            throw new SignalingException(SignalingException.FAILED_PRECONDITION, "produce on a recv transport");
        }
        if (!session.token().mayProduce(kind)) {
            throw new SignalingException(SignalingException.PERMISSION_DENIED, "the token does not allow " + kind);
        }
        Room joined = session.room();
        RouterClient own = session.router();
        RtpParameters rtpParameters = RtpJson.parametersFromJson(data.get("rtpParameters"));
        int joinedGeneration = session.generation();
        reserve(pendingProducers, media.producers.size(), limits.producersPerPeer(), "producers");
        return released(pendingProducers, transport.client().produce(SignalingJson.kind(kind), rtpParameters, null)
                .thenApply(producer -> {
            if (joinedGeneration != session.generation()) {
                throw SignalingSession.moved();
            }
            media.producers.put(producer.id(), producer);
            rooms.own(producer.id(), session);
            joined.spread().producedOn(producer.id(), own);
            session.persist();
            Room.PublishedProducer published = new Room.PublishedProducer(producer.id(), session.peerId(),
                    session.userId(), kind);
            joined.addProducer(published);
            if (kind.equals("audio")) {
                pipedTo(joined, producer.id(), own, joined.router())
                        .thenCompose(piped -> joined.activeSpeaker())
                        .thenCompose(observer -> observer.addProducer(producer.id()))
                        .exceptionally(failure -> {
                            log.warn("peer {}: audio producer {} not observed for the dominant speaker: {}",
                                    session.peerId(), producer.id(), failure.toString());
                            return null;
                        });
            }
            for (SignalingSession other : joined.otherPeers(session.peerId())) {
                other.notify("newProducer", SignalingSession.producerJson(published));
            }
            rooms.bus().publish(joined.id(), "newProducer", SignalingSession.producerJson(published)
                    .put("routerId", own.id()).put("workerId", own.workerId()));
            return SignalingJson.NODES.objectNode().put("id", producer.id());
        }));
    }

    CompletableFuture<JsonNode> consume(JsonNode data) {
        PeerMedia.OwnedTransport transport = media.transport(data);
        if (transport.sending()) {
            throw new SignalingException(SignalingException.FAILED_PRECONDITION, "consume on a send transport");
        }
        String producerId = SignalingJson.text(data, "producerId", "consume");
        Room joined = session.room();
        int joinedGeneration = session.generation();
        if (joined.producer(producerId) == null) {
            throw new SignalingException(SignalingException.NOT_FOUND, "no producer " + producerId + " in this room");
        }
        RtpCapabilities capabilities = RtpJson.capabilitiesFromJson(data.get("rtpCapabilities"));
        reserve(pendingConsumers, media.consumers.size(), limits.consumersPerPeer(), "consumers");
        RouterClient own = session.router();
        // Paused: the browser resumes once its consumer exists, so the first key frame is not lost.
        return released(pendingConsumers, pipedTo(joined, producerId, joined.spread().routerOf(producerId), own)
                .thenCompose(piped -> transport.client().consume(producerId, capabilities, true, null))
                .thenApply(consumer -> {
                    if (joinedGeneration != session.generation()) {
                        throw SignalingSession.moved();
                    }
                    media.consumers.put(consumer.id(), consumer);
                    rooms.own(consumer.id(), session);
                    if (!joined.addSubscription(producerId, new Room.Subscription(consumer.id(), session))) {
                        media.consumers.remove(consumer.id());
                        rooms.disown(consumer.id());
                        throw new SignalingException(SignalingException.NOT_FOUND,
                                "producer " + producerId + " closed");
                    }
                    followLayers(consumer);
                    session.persist();
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

    CompletableFuture<JsonNode> closeProducer(JsonNode data) {
        String producerId = SignalingJson.text(data, "producerId", "closeProducer");
        ProducerClient producer = media.producers.remove(producerId);
        if (producer == null) {
            throw new SignalingException(SignalingException.NOT_FOUND, "no producer " + producerId + " of this peer");
        }
        rooms.disown(producerId);
        session.persist();
        return producer.close().thenApply(ignored -> {
            session.mediaEvents().announceProducerClosed(session.room(), producerId);
            return null;
        });
    }

    CompletableFuture<JsonNode> setPreferredLayers(JsonNode data) {
        ConsumerClient consumer = media.consumer(data);
        ConsumerLayers requested = MediaStateJson.layersFromRequest(data, "setPreferredLayers");
        return consumer.setPreferredLayers(requested).thenApply(effective -> {
            rooms.layerPolicy().layersRequested(consumer.id(), effective);
            return MediaStateJson.layers(Optional.of(effective));
        });
    }

    CompletableFuture<JsonNode> setConsumerPriority(JsonNode data) {
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

    CompletableFuture<JsonNode> restartIce(JsonNode data) {
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
            log.debug("peer {}: {} consumer {} has no layers to follow", session.peerId(), consumer.type(),
                    consumer.id());
        }
    }

    /** What the layer policy chose for one of this peer's consumers. */
    void applyPolicyLayers(String consumerId, ConsumerLayers layers) {
        ConsumerClient consumer = media.consumers.get(consumerId);
        if (consumer == null) {
            return;
        }
        log.info("peer {}: layer policy moves consumer {} to spatial layer {}", session.peerId(), consumerId,
                layers.getSpatialLayer());
        consumer.setPreferredLayers(layers).whenComplete((effective, failure) -> {
            if (failure != null) {
                log.warn("peer {}: setPreferredLayers of consumer {} failed: {}", session.peerId(), consumerId,
                        SignalingSession.unwrap(failure).getMessage());
            }
        });
    }
}
