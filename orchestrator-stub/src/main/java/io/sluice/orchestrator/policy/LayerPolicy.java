package io.sluice.orchestrator.policy;

import io.sluice.api.v1.ConsumerLayers;
import io.sluice.api.v1.ConsumerScore;
import java.util.Map;
import java.util.Optional;

/**
 * Chooses the preferred layers of simulcast and SVC consumers from how they are received. The
 * signaling server tells it about consumers and their score events and applies what it answers
 * with consumer.setPreferredLayers; it never answers above the consumer's ceiling (what the peer
 * asked for, or the highest layers). Implementations must be thread-safe: score events arrive on
 * the NATS dispatcher thread, requests on the WebSocket threads, {@link #tick} on a timer.
 */
public interface LayerPolicy {

    /**
     * A simulcast or SVC consumer was created.
     *
     * @param ceiling the highest layers it may forward (the layers in effect at creation)
     */
    void consumerAdded(String consumerId, ConsumerLayers ceiling);

    /** The peer chose these layers itself: they are the new ceiling and the current choice. */
    void layersRequested(String consumerId, ConsumerLayers requested);

    /** The consumer's score changed; answers the layers to prefer now, if they should change. */
    Optional<ConsumerLayers> onScore(String consumerId, ConsumerScore score);

    /**
     * Called about once a second: the worker sends a score only when it changes, so time-based
     * rules are decided here. Answers the consumers whose layers should change.
     */
    Map<String, ConsumerLayers> tick();

    void consumerRemoved(String consumerId);

    /** A policy that never changes anything (every consumer stays at what its peer asked). */
    LayerPolicy NONE = new LayerPolicy() {
        @Override
        public void consumerAdded(String consumerId, ConsumerLayers ceiling) {}

        @Override
        public void layersRequested(String consumerId, ConsumerLayers requested) {}

        @Override
        public Optional<ConsumerLayers> onScore(String consumerId, ConsumerScore score) {
            return Optional.empty();
        }

        @Override
        public Map<String, ConsumerLayers> tick() {
            return Map.of();
        }

        @Override
        public void consumerRemoved(String consumerId) {}
    };
}
