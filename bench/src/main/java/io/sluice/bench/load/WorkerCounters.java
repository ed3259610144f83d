package io.sluice.bench.load;

import io.sluice.worker.router.LoopOverload;
import io.sluice.worker.router.PipeTransport;
import io.sluice.worker.router.Router;
import io.sluice.worker.router.Transport;
import io.sluice.worker.router.Worker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * What each worker loop of the bench's in-process worker did to the packets it did not forward,
 * read on the loop itself: packets dropped before the fan-out as late (the overload control), and
 * each pipe transport's packets handed over and dropped by reason ({@code handoff_refused}: the
 * other loop's hand-off queue was full). Taken before and after a measured window, so that a run
 * of the seed's scenario says where its loss came from.
 */
record WorkerCounters(String workerId, long forwarded, long late, long lateDropped, boolean droppingLate,
        Map<String, Long> pipePackets) {

    static List<WorkerCounters> read(List<Worker> workers) throws Exception {
        List<WorkerCounters> all = new ArrayList<>();
        for (Worker worker : workers) {
            // Behind the loop's backlog: without overload handling a loop can be tens of seconds behind.
            all.add(worker.loop().submit(() -> of(worker)).get(120, TimeUnit.SECONDS));
        }
        return all;
    }

    private static WorkerCounters of(Worker worker) {
        LoopOverload overload = LoopOverload.of(worker.loop());
        Map<String, Long> pipes = new TreeMap<>();
        for (Router router : worker.routers()) {
            for (Transport transport : router.transports()) {
                if (transport instanceof PipeTransport pipe) {
                    pipes.merge("sent", pipe.packetsSent(), Long::sum);
                    pipes.merge("received", pipe.packetsReceived(), Long::sum);
                    pipe.droppedPackets().forEach((reason, count) -> pipes.merge("dropped " + reason, count, Long::sum));
                    if (pipe.media() != null) {
                        pipes.merge("consumers shed (paused now)", pipe.media().consumers().stream()
                                .filter(consumer -> consumer.shedPaused()).count(), Long::sum);
                    }
                }
            }
        }
        return new WorkerCounters(worker.id(), overload.forwarded(), overload.late(), overload.lateDropped(),
                overload.droppingLate(), pipes);
    }

    /** What changed since {@code before}, in one line. */
    String since(WorkerCounters before) {
        Map<String, Long> pipes = new TreeMap<>();
        pipePackets.forEach((name, count) -> pipes.put(name, name.startsWith("consumers")
                ? count : count - before.pipePackets.getOrDefault(name, 0L)));
        return String.format("%s: fan-out forwarded %d, late (> max input delay) %d, dropped late %d%s; pipes %s",
                workerId, forwarded - before.forwarded, late - before.late, lateDropped - before.lateDropped,
                droppingLate ? " (still dropping late)" : "", pipes.isEmpty() ? "none" : pipes);
    }

    /** The pipe consumers the overload handling has paused now (a whole spread router's listeners each). */
    long pipeConsumersShed() {
        return pipePackets.getOrDefault("consumers shed (paused now)", 0L);
    }
}
