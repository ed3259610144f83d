/**
 * The Sluice orchestrator stub: a reference signaling backend that discovers workers and places
 * rooms on them ({@link io.sluice.orchestrator.OrchestratorMain}). The typed NATS client is in
 * {@code client}, worker discovery in {@code discovery}, room placement in {@code placement}.
 * The browser WebSocket comes later.
 */
package io.sluice.orchestrator;
