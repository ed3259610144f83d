package io.sluice.orchestrator.signaling;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.api.v1.ConsumerLayers;
import io.sluice.orchestrator.client.RouterClient;
import io.sluice.orchestrator.client.SluiceEventSubscriber;
import io.sluice.orchestrator.placement.RoomAssignment;
import io.sluice.orchestrator.placement.RoomPlacement;
import io.sluice.orchestrator.policy.LayerPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rooms with peers connected to this signaling server; each room's router comes from
 * {@link RoomPlacement}. It follows the events of its rooms' routers and knows which session
 * owns each transport, producer and consumer, so that {@link EventRelay} can tell the right peer.
 * When a room's router goes away, every peer of the room moves to the room's next router
 * together ({@link #onRouterLost}): a room never splits between an old router and a new one. A
 * room whose peers fill a worker spreads to routers on other workers ({@link RoomSpread}), its
 * producers piped to them as their peers consume.
 */
final class Rooms implements RoomPlacement.RouterLostListener, RoomBus.Listener {

    private static final Logger log = LoggerFactory.getLogger(Rooms.class);

    private final RoomPlacement placement;
    private final SluiceEventSubscriber events;
    private final LayerPolicy layerPolicy;
    private final Sessions sessions;
    private volatile RoomBus bus = RoomBus.NONE;
    private final ConcurrentMap<String, Room> rooms = new ConcurrentHashMap<>();
    /** Transport, producer and consumer ids (worker-made UUIDs) to the session owning them. */
    private final ConcurrentMap<String, SignalingSession> owners = new ConcurrentHashMap<>();

    Rooms(RoomPlacement placement, SluiceEventSubscriber events, LayerPolicy layerPolicy, Sessions sessions) {
        this.placement = Objects.requireNonNull(placement, "placement");
        this.events = Objects.requireNonNull(events, "events");
        this.layerPolicy = Objects.requireNonNull(layerPolicy, "layerPolicy");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
    }

    /** Where this server tells the other servers of its rooms what its peers do, and hears theirs. */
    void useBus(RoomBus bus) {
        this.bus = bus;
    }

    RoomBus bus() {
        return bus;
    }

    LayerPolicy layerPolicy() {
        return layerPolicy;
    }

    int roomCount() {
        return rooms.size();
    }

    int peerCount() {
        return rooms.values().stream().mapToInt(Room::peerCount).sum();
    }

    /**
     * Adds the session to its room, placing the room on a router first when it has none here. A
     * room new to this server follows the room's bus first, then learns the producers of the
     * room's peers on other servers from the session store, so the join lists them.
     */
    CompletableFuture<Room> join(String roomId, SignalingSession session) {
        return placement.placeRoom(roomId).thenCompose(router -> {
            // Before the peer's first request reaches the worker (same NATS connection, in order).
            events.followRouter(router.id());
            Room known = rooms.get(roomId);
            if (known != null && known.router().id().equals(router.id())) {
                return CompletableFuture.completedFuture(addPeer(roomId, router, session, List.of()));
            }
            bus.follow(roomId);
            return sessions.store().loadRoom(roomId).thenApply(records -> addPeer(roomId, router, session,
                    records.stream().filter(record -> record.routerId().equals(router.id())
                            && !record.stubId().equals(sessions.stubId())).toList()));
        }).thenCompose(room -> placeOnRouter(room, session).thenApply(router -> room));
    }

    /**
     * Chooses the peer's router among the room's (docs/signaling.md, "Rooms over several
     * workers"): the first holding fewer than the placement's peers per worker, else a new router
     * on another worker, else (no worker takes it) the least filled one.
     */
    private CompletableFuture<RouterClient> placeOnRouter(Room room, SignalingSession session) {
        RoomSpread spread = room.spread();
        Optional<RouterClient> placed = spread.placePeer(session.peerId(), placement.roomPeersPerWorker());
        if (placed.isPresent()) {
            session.useRouter(placed.get());
            return CompletableFuture.completedFuture(placed.get());
        }
        return spread.creation(() -> placement.createSpreadRouter(room.id(), spread.workers())).exceptionally(failure -> {
            log.warn("room {}: no spread router made: {}", room.id(), failure.toString());
            return Optional.empty();
        }).thenCompose(created -> {
            if (created.isPresent()) {
                events.followRouter(created.get().id());
                spread.adopt(created.get());
                return placeOnRouter(room, session);
            }
            RouterClient fallback = spread.placePeerOnLeastFilled(session.peerId());
            log.info("room {}: no other worker takes its peers; peer {} goes to router {}", room.id(),
                    session.peerId(), fallback.id());
            session.useRouter(fallback);
            return CompletableFuture.completedFuture(fallback);
        });
    }

    private Room addPeer(String roomId, RouterClient router, SignalingSession session, List<SessionRecord> elsewhere) {
        // Within compute, so that a concurrent last leave cannot drop the room this peer joins.
        return rooms.compute(roomId, (id, known) -> {
            Room room = known != null && known.router().id().equals(router.id()) ? known : new Room(id, router);
            if (room != known) {
                elsewhere.forEach(record -> record.producers().forEach((producerId, kind) ->
                        room.addProducer(new Room.PublishedProducer(producerId, record.peerId(), record.userId(), kind))));
            }
            room.addPeer(session);
            return room;
        });
    }

    /**
     * What a peer on another server of the room did (RoomBus): the room here learns it and this
     * server's peers of the room are told as if the peer were here.
     */
    @Override
    public void onRemote(String roomId, String event, com.fasterxml.jackson.databind.JsonNode data) {
        Room room = rooms.get(roomId);
        if (room == null) {
            return;
        }
        switch (event) {
            case "newProducer" -> {
                room.addProducer(new Room.PublishedProducer(data.path("producerId").asText(),
                        data.path("peerId").asText(), data.path("userId").asText(), data.path("kind").asText()));
                if (data.hasNonNull("routerId") && data.hasNonNull("workerId")) {
                    room.spread().producedOn(data.path("producerId").asText(),
                            placement.router(data.path("workerId").asText(), data.path("routerId").asText()));
                }
                room.peers().forEach(peer -> peer.tell("newProducer", data));
            }
            case "producerClosed" -> {
                String producerId = data.path("producerId").asText();
                List<Room.Subscription> subscriptions = room.removeProducer(producerId);
                room.peers().forEach(peer -> peer.tell("producerClosed", data));
                subscriptions.forEach(subscription -> subscription.owner().mediaEvents().remoteProducerClosed(
                        subscription.consumerId(), producerId));
            }
            case "peerLeft" -> room.peers().forEach(peer -> peer.tell("peerLeft", data));
            default -> log.debug("room {}: unknown room event {}", roomId, event);
        }
    }

    /** Completes once placement knows the live workers (a server restoring sessions waits for it). */
    CompletableFuture<Void> ready() {
        return placement.ready();
    }

    /**
     * Rebuilds a room from its stored sessions (a server starting up): when the room's router is
     * still the one the sessions knew, they are restored on it with their producers and
     * subscriptions, and re-read from the worker for what changed while no server listened;
     * otherwise (the room moved) their transports are closed and their records dropped, and their
     * browsers, failing to resume, join again.
     */
    CompletableFuture<List<SignalingSession>> restore(String roomId, List<SessionRecord> records) {
        return placement.placeRoom(roomId).thenCompose(router -> liveSpreadRouters(router, records)
                .thenApply(spread -> restoreOn(router, spread, roomId, records)));
    }

    /**
     * The routers other than the home router that the records name and that still answer
     * router.dump: the room's spread routers, which a session keeps through a restart.
     */
    private CompletableFuture<Map<String, RouterClient>> liveSpreadRouters(RouterClient home,
            List<SessionRecord> records) {
        Map<String, RouterClient> named = new java.util.LinkedHashMap<>();
        records.stream().filter(record -> !record.routerId().equals(home.id())).forEach(record ->
                named.putIfAbsent(record.routerId(), placement.router(record.workerId(), record.routerId())));
        Map<String, RouterClient> live = new ConcurrentHashMap<>();
        return CompletableFuture.allOf(named.values().stream().map(router -> router.dump().handle((dump, failure) -> {
            if (failure == null) {
                live.put(router.id(), router);
            }
            return null;
        })).toArray(CompletableFuture[]::new)).thenApply(done -> live);
    }

    // One restore at a time: a resume and the periodic adoption may find the same session at once.
    private synchronized List<SignalingSession> restoreOn(RouterClient router, Map<String, RouterClient> spread,
            String roomId, List<SessionRecord> storedRecords) {
        List<SessionRecord> records = storedRecords.stream()
                .filter(record -> !sessions.isLocal(record.peerId())).toList();
        List<SessionRecord> stale = records.stream().filter(r -> !r.routerId().equals(router.id())
                && !spread.containsKey(r.routerId())).toList();
        for (SessionRecord record : stale) {
            log.info("peer {}: room {} has router {} now, not {}; closing its transports", record.peerId(), roomId,
                    router.id(), record.routerId());
            sessions.store().delete(record.peerId(), roomId);
            try {
                PeerMedia.restore(record, placement.router(record.workerId(), record.routerId())).transports.values()
                        .forEach(transport -> transport.client().close().exceptionally(failure -> null));
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                log.warn("peer {}: stored transports unreadable", record.peerId());
            }
        }
        events.followRouter(router.id());
        spread.keySet().forEach(events::followRouter);
        bus.follow(roomId);
        List<SignalingSession> restored = new ArrayList<>();
        Room room = rooms.compute(roomId, (id, known) ->
                known != null && known.router().id().equals(router.id()) ? known : new Room(id, router));
        for (SessionRecord record : records) {
            if (!stale.contains(record)) {
                try {
                    RouterClient own = spread.getOrDefault(record.routerId(), router);
                    SignalingSession session = SignalingSession.restore(this, sessions, record, room, own);
                    room.spread().placePeerOn(session.peerId(), own);
                    session.ownProducers().keySet().forEach(producerId -> room.spread().producedOn(producerId, own));
                    room.addPeer(session);
                    sessions.joined(session);
                    session.ownProducers().forEach((producerId, producer) -> room.addProducer(
                            new Room.PublishedProducer(producerId, session.peerId(), record.userId(),
                                    SignalingJson.kindName(producer.kind()))));
                    restored.add(session);
                } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                    log.warn("peer {}: stored session unreadable, dropped", record.peerId());
                    sessions.store().delete(record.peerId(), roomId);
                }
            }
        }
        for (SignalingSession session : restored) {
            session.ownConsumers().forEach((consumerId, consumer) ->
                    room.addSubscription(consumer.producerId(), new Room.Subscription(consumerId, session)));
            session.mediaEvents().resync();
        }
        log.info("room {} restored on router {}: {} peers", roomId, router.id(), restored.size());
        return restored;
    }

    void leave(Room room, String peerId) {
        room.spread().removePeer(peerId).ifPresent(emptied -> closeSpreadRouter(room.id(), emptied));
        Room remaining = rooms.computeIfPresent(room.id(), (id, known) -> {
            boolean empty = room.removePeer(peerId);
            return known == room && empty ? null : known;
        });
        if (remaining == null) {
            bus.unfollow(room.id());
        }
        if (remaining == null && rooms.values().stream().noneMatch(other -> other.router().id()
                .equals(room.router().id()))) {
            events.unfollowRouter(room.router().id());
        }
    }

    /**
     * The room's router is gone (its worker died, is draining or closed it): the room is dropped
     * here, every peer is told to {@code reconnect}, and the room is placed again at once so the
     * peers' new joins find its new router ready.
     */
    @Override
    public void onRouterLost(RoomAssignment lost, String reason) {
        Room room = rooms.get(lost.roomId());
        if (room == null || !room.router().id().equals(lost.routerId()) || !rooms.remove(lost.roomId(), room)) {
            return;
        }
        events.unfollowRouter(lost.routerId());
        bus.unfollow(lost.roomId());
        List<SignalingSession> peers = room.peers();
        log.info("room {} moves off router {} on worker {} ({}): {} peers reconnect", lost.roomId(), lost.routerId(),
                lost.workerId(), reason, peers.size());
        peers.forEach(session -> session.reconnect(reason));
        room.spread().spreadRouters().forEach(spread -> closeSpreadRouter(lost.roomId(), spread));
        placement.placeRoom(lost.roomId()).whenComplete((router, failure) -> {
            if (failure != null) {
                log.warn("room {} not placed again yet ({}); its peers' joins will retry", lost.roomId(),
                        failure.toString());
            }
        });
    }

    /**
     * The active speaker observer of a router chose {@code producerId}: every peer of this
     * server's rooms on that router hears whose it is ({@code dominantSpeaker}). A producer no room
     * here knows (closed meanwhile) is not relayed.
     */
    void onDominantSpeaker(String routerId, String producerId) {
        for (Room room : rooms.values()) {
            Room.PublishedProducer producer = room.router().id().equals(routerId) ? room.producer(producerId) : null;
            if (producer != null) {
                ObjectNode data = SignalingJson.NODES.objectNode()
                        .put("peerId", producer.peerId()).put("producerId", producerId);
                room.peers().forEach(peer -> peer.tell("dominantSpeaker", data));
            }
        }
    }

    /** A spread router whose last peer left: closed with its pipes (the worker closes both ends of each). */
    private void closeSpreadRouter(String roomId, RouterClient router) {
        log.info("room {}: router {} on worker {} has no peer left; closing it and its pipes", roomId, router.id(),
                router.workerId());
        events.unfollowRouter(router.id());
        router.close().exceptionally(failure -> {
            log.warn("room {}: spread router {} not closed: {}", roomId, router.id(), failure.toString());
            return null;
        });
    }

    /**
     * The operator's view of a room on this server: its routers with their worker, load and peers,
     * and its pipes (producer id to the routers it was piped to). Empty when no peer of the room is here.
     */
    Optional<ObjectNode> dump(String roomId) {
        Room room = rooms.get(roomId);
        if (room == null) {
            return Optional.empty();
        }
        ObjectNode dump = SignalingJson.NODES.objectNode().put("roomId", roomId)
                .put("homeRouterId", room.router().id())
                .put("peersPerWorker", placement.roomPeersPerWorker() == Integer.MAX_VALUE ? 0
                        : placement.roomPeersPerWorker());
        room.spread().describe(dump, placement::worker);
        return Optional.of(dump);
    }

    void own(String entityId, SignalingSession session) {
        owners.put(entityId, session);
    }

    void disown(String entityId) {
        owners.remove(entityId);
    }

    Optional<SignalingSession> owner(String entityId) {
        return Optional.ofNullable(owners.get(entityId));
    }

    /** The sessions whose router (the room's home router or a spread one) lives on the worker. */
    List<SignalingSession> sessionsOnWorker(String workerId) {
        List<SignalingSession> sessions = new ArrayList<>();
        for (Room room : rooms.values()) {
            for (SignalingSession peer : room.peers()) {
                RouterClient router = peer.router();
                if (router != null && router.workerId().equals(workerId)) {
                    sessions.add(peer);
                }
            }
        }
        return sessions;
    }

    /** Runs the layer policy's time-based rules and applies what it decides. */
    void tickLayerPolicy() {
        for (Map.Entry<String, ConsumerLayers> change : layerPolicy.tick().entrySet()) {
            owner(change.getKey()).ifPresent(session -> session.mediaRequests()
                    .applyPolicyLayers(change.getKey(), change.getValue()));
        }
    }
}
