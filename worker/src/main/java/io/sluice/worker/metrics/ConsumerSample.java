package io.sluice.worker.metrics;

import io.sluice.worker.router.Consumer;
import io.sluice.worker.router.Router;
import io.sluice.worker.router.SluiceException;
import io.sluice.worker.router.Transport;
import io.sluice.worker.router.Worker;
import io.sluice.worker.router.stats.ConsumerStatsSnapshot;
import io.sluice.worker.router.stats.RtpStreamSnapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * One consumer as a debugging scrape saw it ({@code /metrics/consumers}): who it is and its
 * {@code consumer.getStats} figures, read on the worker's loop.
 */
record ConsumerSample(
        String workerId,
        String consumerId,
        String producerId,
        String kind,
        long packetsSent,
        long bytesSent,
        long keyFrameRequestsReceived,
        long nacksReceived,
        long packetsRetransmitted,
        double score,
        double roundTripTimeSeconds) {

    /** Every consumer of the worker; call on its loop. */
    static List<ConsumerSample> readAll(Worker worker, long nowEpochMs) {
        List<ConsumerSample> samples = new ArrayList<>();
        for (Router router : worker.routers()) {
            for (Transport transport : router.transports()) {
                for (String consumerId : worker.consumerIds(transport)) {
                    try {
                        samples.add(read(worker.id(), worker.consumer(consumerId),
                                worker.consumerStats(consumerId, nowEpochMs)));
                    } catch (SluiceException e) {
                        // Listed a moment ago on this same loop: cannot be gone; skipped all the same.
                    }
                }
            }
        }
        return samples;
    }

    private static ConsumerSample read(String workerId, Consumer consumer, ConsumerStatsSnapshot stats) {
        // The consumer's own "outbound-rtp" entry comes first; a consumer always has it.
        RtpStreamSnapshot outbound = stats.streams().get(0);
        return new ConsumerSample(workerId, consumer.id(), consumer.producer().id(),
                consumer.kind().name().toLowerCase(java.util.Locale.ROOT), stats.packetsSent(), stats.bytesSent(),
                stats.keyFrameRequestsReceived(), outbound.nackCount(), outbound.packetsRetransmitted(),
                outbound.score(), outbound.roundTripTime() / 1000.0);
    }
}
