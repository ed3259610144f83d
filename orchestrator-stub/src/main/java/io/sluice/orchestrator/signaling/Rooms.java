package io.sluice.orchestrator.signaling;

import io.sluice.orchestrator.placement.RoomPlacement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** The rooms with peers connected to this signaling server; each room's router comes from {@link RoomPlacement}. */
final class Rooms {

    private final RoomPlacement placement;
    private final ConcurrentMap<String, Room> rooms = new ConcurrentHashMap<>();

    Rooms(RoomPlacement placement) {
        this.placement = placement;
    }

    /** Adds the session to its room, placing the room on a router first when it has none here. */
    CompletableFuture<Room> join(String roomId, SignalingSession session) {
        return placement.placeRoom(roomId).thenApply(router -> {
            // Within compute, so that a concurrent last leave cannot drop the room this peer joins.
            return rooms.compute(roomId, (id, known) -> {
                Room room = known != null && known.router().id().equals(router.id()) ? known : new Room(id, router);
                room.addPeer(session);
                return room;
            });
        });
    }

    void leave(Room room, String peerId) {
        rooms.computeIfPresent(room.id(), (id, known) -> {
            boolean empty = room.removePeer(peerId);
            return known == room && empty ? null : known;
        });
    }
}
