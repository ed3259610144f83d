package io.sluice.orchestrator.client;

import io.sluice.api.v1.ProducerClosed;
import io.sluice.api.v1.ProducerScore;

/**
 * Events of producers ({@code sluice.event.<routerId>.producer.<producerId>.<event>},
 * docs/protocol.md "Events"). Every method has a no-op default.
 */
public interface ProducerEventListener {

    /** The producer closed: on request, with its transport or with its router. */
    default void onProducerClosed(String routerId, String producerId, ProducerClosed.Reason reason) {}

    /** A stream's score changed ("score"); carries every stream's score. */
    default void onProducerScore(String routerId, String producerId, ProducerScore score) {}
}
