package io.sluice.orchestrator.client;

import io.sluice.api.v1.DataConsumerCloseRequest;
import io.sluice.api.v1.DataConsumerCloseResponse;
import io.sluice.api.v1.DataConsumerInfo;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The methods of one data consumer ({@code sluice.<workerId>.dataConsumer.<method>}), made by
 * {@link TransportClient#consumeData}.
 */
public final class DataConsumerClient {

    private static final String ENTITY = "dataConsumer";

    private final SluiceRequester requester;
    private final String workerId;
    private final DataConsumerInfo info;

    DataConsumerClient(SluiceRequester requester, String workerId, DataConsumerInfo info) {
        this.requester = Objects.requireNonNull(requester, "requester");
        this.workerId = Objects.requireNonNull(workerId, "workerId");
        this.info = Objects.requireNonNull(info, "info");
    }

    public String id() {
        return info.getId();
    }

    public String dataProducerId() {
        return info.getDataProducerId();
    }

    /** What transport.consumeData answered: the stream Sluice picked, label and protocol. */
    public DataConsumerInfo info() {
        return info;
    }

    /** dataConsumer.close */
    public CompletableFuture<Void> close() {
        return requester.request(workerId, ENTITY, "close",
                        DataConsumerCloseRequest.newBuilder().setDataConsumerId(id()).build(),
                        DataConsumerCloseResponse.parser(), null)
                .thenApply(response -> null);
    }

    @Override
    public String toString() {
        return "DataConsumerClient{" + id() + " on " + workerId + "}";
    }
}
