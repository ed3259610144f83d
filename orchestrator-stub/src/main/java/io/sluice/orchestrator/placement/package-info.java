/**
 * Placing rooms on workers: {@link io.sluice.orchestrator.placement.RoomPlacement} creates a
 * room's router on the least loaded live worker and remembers room -> (worker, router) in a
 * {@link io.sluice.orchestrator.placement.RoomAssignments}.
 *
 * <h2>Restoring assignments from Redis (planned)</h2>
 * Today the map lives in memory and an orchestrator restart forgets it: the routers live on, but
 * the next {@code placeRoom} of a room makes a second one. A Redis store will keep, per room, a
 * hash {@code sluice:room:<roomId>} with {@code worker_id} and {@code router_id}, written (with
 * {@code HSETNX}-style "first writer wins", so that two orchestrators agree on one router) after
 * createRouter succeeds, and deleted on the router's {@code router_closed} event. On start, an
 * orchestrator reads the hashes lazily on a room's first use, keeps the entry when its worker is
 * live in the directory and {@code router.dump} answers, and otherwise deletes it (the router
 * died with its worker). The key is not in docs/protocol.md yet: it joins the Redis key table
 * when the store lands.
 */
package io.sluice.orchestrator.placement;
