/**
 * Finding the live workers: {@link io.sluice.orchestrator.discovery.WorkerDirectory} merges the
 * Redis registry, the NATS micro service's ping replies and the heartbeats into one view of every
 * worker loop and its load.
 */
package io.sluice.orchestrator.discovery;
