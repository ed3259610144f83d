package io.sluice.worker.metrics;

import io.sluice.api.v1.WorkerLoad;
import io.sluice.worker.router.LoopCounters;

/**
 * One worker loop as a scrape saw it: entity counts and busy share from the worker, the
 * transports' running totals, and how long the sampling task waited in the loop's queue.
 */
record LoopSample(
        String workerId,
        WorkerLoad load,
        long queueDelayNanos,
        long packetsReceived,
        long bytesReceived,
        long packetsSent,
        long bytesSent,
        long dtlsFailures,
        long[] drops,
        long nacksReceived,
        long nacksSent,
        long packetsRetransmitted,
        long plisReceived,
        long firsReceived,
        long plisSent) {

    /** Reads the counters; call on the loop that owns them. */
    static LoopSample read(String workerId, WorkerLoad load, long queueDelayNanos, LoopCounters counters) {
        long[] drops = new long[LoopCounters.Drop.values().length];
        for (LoopCounters.Drop reason : LoopCounters.Drop.values()) {
            drops[reason.ordinal()] = counters.drops(reason);
        }
        return new LoopSample(workerId, load, queueDelayNanos, counters.packetsReceived(), counters.bytesReceived(),
                counters.packetsSent(), counters.bytesSent(), counters.dtlsFailures(), drops,
                counters.nacksReceived(), counters.nacksSent(), counters.packetsRetransmitted(),
                counters.plisReceived(), counters.firsReceived(), counters.plisSent());
    }
}
