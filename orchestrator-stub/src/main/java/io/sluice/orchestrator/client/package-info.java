/**
 * A typed client of the Sluice control API (docs/protocol.md): one class per entity
 * ({@link io.sluice.orchestrator.client.WorkerClient}, {@link io.sluice.orchestrator.client.RouterClient})
 * whose methods return {@code CompletableFuture}s, built on
 * {@link io.sluice.orchestrator.client.SluiceRequester} (protobuf over NATS request/reply, typed
 * errors as {@link io.sluice.orchestrator.client.SluiceRequestException}), and
 * {@link io.sluice.orchestrator.client.SluiceEventSubscriber}, which decodes events and heartbeats
 * for typed listeners. Futures and listeners run on jnats threads and must not block.
 */
package io.sluice.orchestrator.client;
