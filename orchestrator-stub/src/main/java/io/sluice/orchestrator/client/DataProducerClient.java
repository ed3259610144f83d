package io.sluice.orchestrator.client;

import io.sluice.api.v1.DataProducerCloseRequest;
import io.sluice.api.v1.DataProducerCloseResponse;
import io.sluice.api.v1.DataProducerInfo;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The methods of one data producer ({@code sluice.<workerId>.dataProducer.<method>}), made by
 * {@link TransportClient#produceData}.
 */
public final class DataProducerClient {

    private static final String ENTITY = "dataProducer";

    private final SluiceRequester requester;
    private final String workerId;
    private final DataProducerInfo info;

    DataProducerClient(SluiceRequester requester, String workerId, DataProducerInfo info) {
        this.requester = Objects.requireNonNull(requester, "requester");
        this.workerId = Objects.requireNonNull(workerId, "workerId");
        this.info = Objects.requireNonNull(info, "info");
    }

    public String id() {
        return info.getId();
    }

    /** What transport.produceData answered: stream parameters, label and protocol. */
    public DataProducerInfo info() {
        return info;
    }

    /** dataProducer.close; its data consumers close first. */
    public CompletableFuture<Void> close() {
        return requester.request(workerId, ENTITY, "close",
                        DataProducerCloseRequest.newBuilder().setDataProducerId(id()).build(),
                        DataProducerCloseResponse.parser(), null)
                .thenApply(response -> null);
    }

    @Override
    public String toString() {
        return "DataProducerClient{" + id() + " on " + workerId + "}";
    }
}
