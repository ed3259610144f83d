/**
 * Loopback load generators for the control plane: round trips of worker methods over a real
 * nats-server to an in-process worker. Figures go to docs/benchmarks.md; run with
 * {@code bench/run control}.
 */
package io.sluice.bench.control;
