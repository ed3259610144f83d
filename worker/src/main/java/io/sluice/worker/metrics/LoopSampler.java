package io.sluice.worker.metrics;

import io.netty.util.concurrent.Future;
import io.sluice.worker.router.LoopCounters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a {@link LoopSample} of every worker by a task on its own loop, so that the loop's plain
 * fields are read where they are written. The scrape thread waits; a loop never does. The wait
 * from submitting the task to its start is the loop's task queue delay.
 */
final class LoopSampler {

    private static final Logger log = LoggerFactory.getLogger(LoopSampler.class);
    static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final List<MeteredWorker> workers;
    private final LongSupplier nanoTime;

    LoopSampler(List<? extends MeteredWorker> workers, LongSupplier nanoTime) {
        this.workers = List.copyOf(workers);
        this.nanoTime = nanoTime;
    }

    /** A sample of every loop that answered within 2 s; a loop that did not is left out (and logged). */
    List<LoopSample> sample() {
        List<Future<LoopSample>> pending = new ArrayList<>(workers.size());
        for (MeteredWorker worker : workers) {
            long submitted = nanoTime.getAsLong();
            LoopCounters counters = LoopCounters.of(worker.loop());
            pending.add(worker.loop().submit(() -> LoopSample.read(worker.id(), worker.load(),
                    nanoTime.getAsLong() - submitted, counters)));
        }
        List<LoopSample> samples = new ArrayList<>(workers.size());
        for (int i = 0; i < pending.size(); i++) {
            Future<LoopSample> future = pending.get(i);
            if (future.awaitUninterruptibly(TIMEOUT.toMillis()) && future.isSuccess()) {
                samples.add(future.getNow());
            } else {
                log.warn("worker {} did not give its metrics within {} ms", workers.get(i).id(), TIMEOUT.toMillis());
            }
        }
        return samples;
    }
}
