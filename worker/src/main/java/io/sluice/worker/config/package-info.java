/**
 * The worker's settings: {@link io.sluice.worker.config.WorkerConfig} from environment variables,
 * overridden by the flags of {@link io.sluice.worker.config.WorkerCommandLine}, each checked with
 * a one-line error that names the variable or flag.
 */
package io.sluice.worker.config;
