package io.sluice.orchestrator.client;

import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.ProducerCloseRequest;
import io.sluice.api.v1.ProducerCloseResponse;
import io.sluice.api.v1.ProducerDumpRequest;
import io.sluice.api.v1.ProducerDumpResponse;
import io.sluice.api.v1.ProducerGetStatsRequest;
import io.sluice.api.v1.ProducerGetStatsResponse;
import io.sluice.api.v1.ProducerPauseRequest;
import io.sluice.api.v1.ProducerPauseResponse;
import io.sluice.api.v1.ProducerResumeRequest;
import io.sluice.api.v1.ProducerResumeResponse;
import io.sluice.api.v1.ProducerStats;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/** The methods of one producer ({@code sluice.<workerId>.producer.<method>}). */
public final class ProducerClient {

    private static final String ENTITY = "producer";

    private final SluiceRequester requester;
    private final String workerId;
    private final String producerId;
    private final MediaKind kind;

    ProducerClient(SluiceRequester requester, String workerId, String producerId, MediaKind kind) {
        this.requester = Objects.requireNonNull(requester, "requester");
        this.workerId = Objects.requireNonNull(workerId, "workerId");
        this.producerId = Objects.requireNonNull(producerId, "producerId");
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    public String id() {
        return producerId;
    }

    public String workerId() {
        return workerId;
    }

    public MediaKind kind() {
        return kind;
    }

    /** producer.pause (idempotent). */
    public CompletableFuture<Void> pause() {
        return requester.request(workerId, ENTITY, "pause",
                        ProducerPauseRequest.newBuilder().setProducerId(producerId).build(),
                        ProducerPauseResponse.parser(), null)
                .thenApply(response -> null);
    }

    /** producer.resume (idempotent). */
    public CompletableFuture<Void> resume() {
        return requester.request(workerId, ENTITY, "resume",
                        ProducerResumeRequest.newBuilder().setProducerId(producerId).build(),
                        ProducerResumeResponse.parser(), null)
                .thenApply(response -> null);
    }

    /** producer.close; its consumers close first. */
    public CompletableFuture<Void> close() {
        return requester.request(workerId, ENTITY, "close",
                        ProducerCloseRequest.newBuilder().setProducerId(producerId).build(),
                        ProducerCloseResponse.parser(), null)
                .thenApply(response -> null);
    }

    /** producer.dump */
    public CompletableFuture<ProducerDumpResponse> dump() {
        return requester.request(workerId, ENTITY, "dump",
                ProducerDumpRequest.newBuilder().setProducerId(producerId).build(), ProducerDumpResponse.parser(),
                null);
    }

    /** producer.getStats */
    public CompletableFuture<ProducerStats> getStats() {
        return requester.request(workerId, ENTITY, "getStats",
                        ProducerGetStatsRequest.newBuilder().setProducerId(producerId).build(),
                        ProducerGetStatsResponse.parser(), null)
                .thenApply(ProducerGetStatsResponse::getStats);
    }

    @Override
    public String toString() {
        return "ProducerClient{" + producerId + " " + kind + " on " + workerId + "}";
    }
}
