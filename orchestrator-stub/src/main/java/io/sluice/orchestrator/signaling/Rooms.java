package io.sluice.orchestrator.signaling;

import io.sluice.api.v1.ConsumerLayers;
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
 * together ({@link #onRouterLost}): a room never splits across two routers.
 */
final class Rooms implements RoomPlacement.RouterLostListener {

    private static final Logger log = LoggerFactory.getLogger(Rooms.class);

    private final RoomPlacement placement;
    private final SluiceEventSubscriber events;
    private final LayerPolicy layerPolicy;
    private final ConcurrentMap<String, Room> rooms = new ConcurrentHashMap<>();
    /** Transport, producer and consumer ids (worker-made UUIDs) to the session owning them. */
    private final ConcurrentMap<String, SignalingSession> owners = new ConcurrentHashMap<>();

    Rooms(RoomPlacement placement, SluiceEventSubscriber events, LayerPolicy layerPolicy) {
        this.placement = Objects.requireNonNull(placement, "placement");
        this.events = Objects.requireNonNull(events, "events");
        this.layerPolicy = Objects.requireNonNull(layerPolicy, "layerPolicy");
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

    /** Adds the session to its room, placing the room on a router first when it has none here. */
    CompletableFuture<Room> join(String roomId, SignalingSession session) {
        return placement.placeRoom(roomId).thenApply(router -> {
            // Before the peer's first request reaches the worker (same NATS connection, in order).
            events.followRouter(router.id());
            // Within compute, so that a concurrent last leave cannot drop the room this peer joins.
            return rooms.compute(roomId, (id, known) -> {
                Room room = known != null && known.router().id().equals(router.id()) ? known : new Room(id, router);
                room.addPeer(session);
                return room;
            });
        });
    }

    void leave(Room room, String peerId) {
        Room remaining = rooms.computeIfPresent(room.id(), (id, known) -> {
            boolean empty = room.removePeer(peerId);
            return known == room && empty ? null : known;
        });
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
        List<SignalingSession> peers = room.peers();
        log.info("room {} moves off router {} on worker {} ({}): {} peers reconnect", lost.roomId(), lost.routerId(),
                lost.workerId(), reason, peers.size());
        peers.forEach(session -> session.reconnect(reason));
        placement.placeRoom(lost.roomId()).whenComplete((router, failure) -> {
            if (failure != null) {
                log.warn("room {} not placed again yet ({}); its peers' joins will retry", lost.roomId(),
                        failure.toString());
            }
        });
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

    /** The sessions of the rooms whose router lives on the worker. */
    List<SignalingSession> sessionsOnWorker(String workerId) {
        List<SignalingSession> sessions = new ArrayList<>();
        for (Room room : rooms.values()) {
            if (room.router().workerId().equals(workerId)) {
                sessions.addAll(room.peers());
            }
        }
        return sessions;
    }

    /** Runs the layer policy's time-based rules and applies what it decides. */
    void tickLayerPolicy() {
        for (Map.Entry<String, ConsumerLayers> change : layerPolicy.tick().entrySet()) {
            owner(change.getKey()).ifPresent(session -> session.applyPolicyLayers(change.getKey(), change.getValue()));
        }
    }
}
