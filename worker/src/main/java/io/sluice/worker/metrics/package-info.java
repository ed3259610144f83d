/**
 * The operator's view of a worker process: Prometheus series and health answers on one HTTP
 * port ({@link io.sluice.worker.metrics.HealthServer}). Loop-owned totals
 * ({@link io.sluice.worker.router.LoopCounters}) are written only by their loop and read by a
 * task on it, so the media path pays an increment per packet and nothing else.
 */
package io.sluice.worker.metrics;
