/**
 * What a worker shares with the signaling backend in Redis (docs/protocol.md, Redis keys): its
 * lease {@code sluice:worker:<workerId>} ({@link io.sluice.worker.registry.RedisRegistry},
 * {@link io.sluice.worker.registry.WorkerLease}) and the transport mappings. Redis is reached
 * asynchronously; no event loop ever waits for it.
 */
package io.sluice.worker.registry;
