package io.sluice.worker.metrics;

import io.netty.util.concurrent.EventExecutor;
import io.sluice.api.v1.WorkerLoad;
import io.sluice.worker.router.Worker;

/**
 * What the metrics read of one worker: its id (the {@code worker} label), its loop (where the
 * loop's counters are read) and its load. The control plane's worker implements it, so metrics
 * depend on no layer above them and the control plane can depend on {@link ControlMetrics}.
 */
public interface MeteredWorker {

    String id();

    EventExecutor loop();

    /** Entity counts and the loop's busy share; called on {@link #loop()}. */
    WorkerLoad load();

    /** The worker's entities, for the per-consumer debugging series; used on {@link #loop()}. */
    Worker worker();
}
