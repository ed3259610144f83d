package io.sluice.worker.router.stats;

import java.util.List;
import java.util.Map;

/**
 * producer.getStats: the producer's counters and one entry per encoding that has received.
 *
 * @param droppedPackets by reason, in the reasons' order, only those above zero
 */
public record ProducerStatsSnapshot(String producerId, long timestampMs, long packetsReceived, long bytesReceived,
        long keyFrameRequestsSent, Map<String, Long> droppedPackets, List<RtpStreamSnapshot> streams) {}
