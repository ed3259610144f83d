package io.sluice.orchestrator.placement;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** Room assignments in this process's memory: lost when the orchestrator restarts. */
public final class InMemoryRoomAssignments implements RoomAssignments {

    private final ConcurrentMap<String, RoomAssignment> byRoom = new ConcurrentHashMap<>();

    @Override
    public Optional<RoomAssignment> get(String roomId) {
        return Optional.ofNullable(byRoom.get(roomId));
    }

    @Override
    public void put(RoomAssignment assignment) {
        byRoom.put(assignment.roomId(), assignment);
    }

    @Override
    public void remove(String roomId, String routerId) {
        byRoom.computeIfPresent(roomId, (room, assignment) -> assignment.routerId().equals(routerId) ? null : assignment);
    }

    @Override
    public Collection<RoomAssignment> all() {
        return List.copyOf(byRoom.values());
    }
}
