package io.sluice.worker.bwe;

/** Why the allocator changed a consumer's layers: carried by every {@code layerschange} event. */
public enum LayerChangeReason {
    /** The available bitrate went down or, held with headroom, up. */
    BANDWIDTH,
    /** The preferred layers (the backend's ceiling) changed. */
    PREFERRED,
    /** The producer stopped or started sending a layer. */
    PRODUCER,
    /** The layer's stream score fell too low to forward it. */
    SCORE
}
