package io.sluice.orchestrator.client;

import io.sluice.api.v1.ConsumerClosed;
import io.sluice.api.v1.ConsumerLayers;
import io.sluice.api.v1.ConsumerScore;
import java.util.Optional;

/**
 * Events of consumers ({@code sluice.event.<routerId>.consumer.<consumerId>.<event>},
 * docs/protocol.md "Events"). Every method has a no-op default: implement what you follow.
 */
public interface ConsumerEventListener {

    /** The consumer closed; {@code PRODUCER_CLOSED} follows its {@link #onConsumerProducerClosed}. */
    default void onConsumerClosed(String routerId, String consumerId, ConsumerClosed.Reason reason) {}

    /** Its producer closed ("producerclose"); the consumer's own closed event follows. */
    default void onConsumerProducerClosed(String routerId, String consumerId) {}

    /** Its producer was paused ("producerpause") or resumed ("producerresume"). */
    default void onConsumerProducerPaused(String routerId, String consumerId, boolean producerPaused) {}

    /** Its score or its producer stream's score changed ("score"). */
    default void onConsumerScore(String routerId, String consumerId, ConsumerScore score) {}

    /**
     * The layers a simulcast or SVC consumer forwards changed ("layerschange"); empty when it
     * forwards nothing now.
     */
    default void onConsumerLayersChanged(String routerId, String consumerId, Optional<ConsumerLayers> layers) {}
}
