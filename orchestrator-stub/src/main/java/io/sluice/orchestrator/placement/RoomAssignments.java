package io.sluice.orchestrator.placement;

import java.util.Collection;
import java.util.Optional;

/**
 * Where the room -> (worker, router) map is kept. {@link InMemoryRoomAssignments} is the only
 * store today; see the package documentation for the Redis layout that will restore it after an
 * orchestrator restart.
 */
public interface RoomAssignments {

    Optional<RoomAssignment> get(String roomId);

    void put(RoomAssignment assignment);

    /** Removes the room's assignment if it still names this router. */
    void remove(String roomId, String routerId);

    Collection<RoomAssignment> all();
}
