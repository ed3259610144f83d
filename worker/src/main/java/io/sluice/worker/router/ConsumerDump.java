package io.sluice.worker.router;

/**
 * What consumer.dump tells of the consumer itself (its parameters and app data are read from the
 * consumer directly). The layers are those of a simulcast or SVC consumer; null otherwise, and
 * target and current are null while it has none.
 */
public record ConsumerDump(String consumerId, String producerId, String transportId, String type, boolean paused,
        boolean producerPaused, int priority, ConsumerLayers preferredLayers, ConsumerLayers targetLayers,
        ConsumerLayers currentLayers) {}
