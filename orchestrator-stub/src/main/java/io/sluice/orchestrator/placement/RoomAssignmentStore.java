package io.sluice.orchestrator.placement;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where room assignments outlive the orchestrator process, shared by every orchestrator of a
 * deployment: {@link RedisRoomAssignmentStore} keeps them in Redis, {@link #NONE} nowhere (one
 * process, memory only). Every method is asynchronous and never blocks the caller.
 */
public interface RoomAssignmentStore {

    /** The stored assignment of the room, if any; it may name a router that is gone. */
    CompletableFuture<Optional<RoomAssignment>> find(String roomId);

    /**
     * Stores {@code assignment} unless the room has one already, atomically (first writer wins),
     * and answers the assignment that stands: {@code assignment} itself, or the earlier one.
     */
    CompletableFuture<RoomAssignment> claim(RoomAssignment assignment);

    /** Deletes the room's assignment if it still names {@code routerId}; answers whether it did. */
    CompletableFuture<Boolean> release(String roomId, String routerId);

    /** No shared store: every claim wins, nothing is found. */
    RoomAssignmentStore NONE = new RoomAssignmentStore() {
        @Override
        public CompletableFuture<Optional<RoomAssignment>> find(String roomId) {
            return CompletableFuture.completedFuture(Optional.empty());
        }

        @Override
        public CompletableFuture<RoomAssignment> claim(RoomAssignment assignment) {
            return CompletableFuture.completedFuture(assignment);
        }

        @Override
        public CompletableFuture<Boolean> release(String roomId, String routerId) {
            return CompletableFuture.completedFuture(false);
        }
    };
}
