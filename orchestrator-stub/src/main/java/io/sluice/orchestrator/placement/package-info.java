/**
 * Placing rooms on workers: {@link io.sluice.orchestrator.placement.RoomPlacement} creates a
 * room's router on the least loaded live worker and remembers room -> (worker, router) in a
 * {@link io.sluice.orchestrator.placement.RoomAssignments} (this process's rooms) and a
 * {@link io.sluice.orchestrator.placement.RoomAssignmentStore} shared by every orchestrator.
 *
 * <h2>Assignments in Redis</h2>
 * {@link io.sluice.orchestrator.placement.RedisRoomAssignmentStore} keeps, per room, a hash
 * {@code sluice:room:<roomId>} with {@code worker_id}, {@code router_id} and
 * {@code created_at_ms} (docs/protocol.md, "Redis keys"), claimed first-writer-wins after
 * createRouter succeeds (two orchestrators agree on one router; the loser closes its own) and
 * released, only while it still names the router, on the router's {@code router_closed} event or
 * when its worker disappears. An orchestrator that starts, or meets a room placed by another, reads
 * the hash on the room's first use here and keeps it when the worker is live in the directory and
 * {@code router.dump} answers; otherwise it releases the entry and places the room again.
 */
package io.sluice.orchestrator.placement;
