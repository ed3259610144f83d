package io.sluice.worker.bwe;

/**
 * What the {@link BitrateAllocator} needs of a consumer, and where it sends its decision: a
 * consumer of the router implements it (mediasoup's Consumer::GetBitratePriority,
 * IncreaseLayer and ApplyLayers in one small interface, so that this package knows nothing of
 * the router). Layers are (spatial, temporal) pairs ordered spatial first; a consumer of a single
 * stream has one spatial and one temporal layer. Read on the router's loop.
 */
public interface BitrateConsumer {

    enum Kind { AUDIO, VIDEO }

    Kind kind();

    /** 1 to 255 ({@code consumer.setPriority}): how many layer steps it takes per round. */
    int priority();

    /** False while the consumer or its producer is paused: it takes nothing. */
    boolean isActive();

    int spatialLayerCount();

    int temporalLayerCount();

    /**
     * Bit/s of forwarding spatial layer {@code spatial} up to temporal layer {@code temporal}
     * (the producer's measured rate); 0 when the producer does not send it.
     */
    long layerBitrate(int spatial, int temporal);

    /** False when the stream of {@code spatial} scores too low to forward (mediasoup's score). */
    boolean isLayerHealthy(int spatial);

    /** The ceiling the backend set ({@code consumer.setPreferredLayers}). */
    int preferredSpatialLayer();

    int preferredTemporalLayer();

    /**
     * The allocator's decision, given only when it changes: forward up to these layers, -1/-1
     * for none. The consumer switches at the next key frame and emits {@code layerschange}
     * with {@code reason}.
     */
    void applyLayers(int spatial, int temporal, LayerChangeReason reason);
}
