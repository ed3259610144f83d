package io.sluice.worker.router.stats;

import io.sluice.worker.router.ConsumerLayers;
import java.util.List;
import java.util.Map;

/**
 * consumer.getStats: the consumer's counters, its own stream, then the producer stream it forwards.
 *
 * @param droppedPackets by reason, in the reasons' order, only those above zero
 * @param currentLayers the layers forwarded now; null for a simple consumer or none forwarded
 */
public record ConsumerStatsSnapshot(String consumerId, long timestampMs, long packetsSent, long bytesSent,
        long keyFrameRequestsReceived, Map<String, Long> droppedPackets, List<RtpStreamSnapshot> streams,
        ConsumerLayers currentLayers) {}
