/**
 * The stub's operator port (docs/operations.md): its own {@code sluice_stub_*} series (rooms,
 * peers, signaling WebSockets, requests to workers by method and outcome), the JVM's, and
 * {@code /healthz} and {@code /readyz}, as a worker process serves them.
 */
package io.sluice.orchestrator.metrics;
