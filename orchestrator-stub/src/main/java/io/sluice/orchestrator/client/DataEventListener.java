package io.sluice.orchestrator.client;

import io.sluice.api.v1.DataConsumerClosed;
import io.sluice.api.v1.DataProducerClosed;

/**
 * Events of data producers and data consumers ({@code sluice.event.<routerId>.dataProducer.<id>.<event>}
 * and {@code .dataConsumer.<id>.<event>}, docs/protocol.md "Events"). Every method has a no-op default.
 */
public interface DataEventListener {

    /** The data producer closed: on request, with its transport or with its router. */
    default void onDataProducerClosed(String routerId, String dataProducerId, DataProducerClosed.Reason reason) {}

    /** The data consumer closed; {@code DATA_PRODUCER_CLOSED} when its data producer did. */
    default void onDataConsumerClosed(String routerId, String dataConsumerId, DataConsumerClosed.Reason reason) {}
}
