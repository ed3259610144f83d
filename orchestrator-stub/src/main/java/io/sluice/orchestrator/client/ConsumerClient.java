package io.sluice.orchestrator.client;

import io.sluice.api.v1.ConsumerCloseRequest;
import io.sluice.api.v1.ConsumerCloseResponse;
import io.sluice.api.v1.ConsumerDumpRequest;
import io.sluice.api.v1.ConsumerDumpResponse;
import io.sluice.api.v1.ConsumerLayers;
import io.sluice.api.v1.ConsumerGetStatsRequest;
import io.sluice.api.v1.ConsumerGetStatsResponse;
import io.sluice.api.v1.ConsumerPauseRequest;
import io.sluice.api.v1.ConsumerPauseResponse;
import io.sluice.api.v1.ConsumerRequestKeyFrameRequest;
import io.sluice.api.v1.ConsumerRequestKeyFrameResponse;
import io.sluice.api.v1.ConsumerResumeRequest;
import io.sluice.api.v1.ConsumerResumeResponse;
import io.sluice.api.v1.ConsumerScore;
import io.sluice.api.v1.ConsumerSetPreferredLayersRequest;
import io.sluice.api.v1.ConsumerSetPreferredLayersResponse;
import io.sluice.api.v1.ConsumerSetPriorityRequest;
import io.sluice.api.v1.ConsumerSetPriorityResponse;
import io.sluice.api.v1.ConsumerStats;
import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.RtpParameters;
import io.sluice.api.v1.TransportConsumeResponse;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The methods of one consumer ({@code sluice.<workerId>.consumer.<method>}), with the parameters
 * transport.consume answered (what the receiving endpoint is told).
 */
public final class ConsumerClient {

    private static final String ENTITY = "consumer";

    private final SluiceRequester requester;
    private final String workerId;
    private final String producerId;
    private final TransportConsumeResponse created;

    ConsumerClient(SluiceRequester requester, String workerId, String producerId, TransportConsumeResponse created) {
        this.requester = Objects.requireNonNull(requester, "requester");
        this.workerId = Objects.requireNonNull(workerId, "workerId");
        this.producerId = Objects.requireNonNull(producerId, "producerId");
        this.created = Objects.requireNonNull(created, "created");
    }

    /** What {@code transport.consume} answered: enough to make this client again after a restart. */
    public TransportConsumeResponse created() {
        return created;
    }

    public String id() {
        return created.getConsumerId();
    }

    public String workerId() {
        return workerId;
    }

    public String producerId() {
        return producerId;
    }

    public MediaKind kind() {
        return created.getKind();
    }

    /** The RTP parameters the receiving endpoint gets (mediasoup-client's consume() takes them). */
    public RtpParameters rtpParameters() {
        return created.getRtpParameters();
    }

    public boolean producerPaused() {
        return created.getProducerPaused();
    }

    /** "simple", "simulcast" or "svc" as transport.consume answered ("simple" from a worker that left it out). */
    public String type() {
        return created.getType().isEmpty() ? "simple" : created.getType();
    }

    /** The score transport.consume answered. */
    public ConsumerScore initialScore() {
        return created.getScore();
    }

    /** For simulcast and SVC consumers: the preferred layers in effect when created. */
    public Optional<ConsumerLayers> initialPreferredLayers() {
        return created.hasPreferredLayers() ? Optional.of(created.getPreferredLayers()) : Optional.empty();
    }

    /**
     * consumer.setPreferredLayers (simulcast and SVC consumers); completes with the layers in
     * effect after the worker clamped them to what the producer has.
     */
    public CompletableFuture<ConsumerLayers> setPreferredLayers(ConsumerLayers layers) {
        return requester.request(workerId, ENTITY, "setPreferredLayers",
                        ConsumerSetPreferredLayersRequest.newBuilder().setConsumerId(id()).setPreferredLayers(layers)
                                .build(),
                        ConsumerSetPreferredLayersResponse.parser(), null)
                .thenApply(ConsumerSetPreferredLayersResponse::getPreferredLayers);
    }

    /** consumer.setPriority (1 to 255); completes with the priority in effect. */
    public CompletableFuture<Integer> setPriority(int priority) {
        return requester.request(workerId, ENTITY, "setPriority",
                        ConsumerSetPriorityRequest.newBuilder().setConsumerId(id()).setPriority(priority).build(),
                        ConsumerSetPriorityResponse.parser(), null)
                .thenApply(ConsumerSetPriorityResponse::getPriority);
    }

    /** consumer.pause (idempotent). */
    public CompletableFuture<Void> pause() {
        return requester.request(workerId, ENTITY, "pause",
                        ConsumerPauseRequest.newBuilder().setConsumerId(id()).build(), ConsumerPauseResponse.parser(),
                        null)
                .thenApply(response -> null);
    }

    /** consumer.resume (idempotent); the producer's sender is asked for a key frame. */
    public CompletableFuture<Void> resume() {
        return requester.request(workerId, ENTITY, "resume",
                        ConsumerResumeRequest.newBuilder().setConsumerId(id()).build(),
                        ConsumerResumeResponse.parser(), null)
                .thenApply(response -> null);
    }

    /** consumer.requestKeyFrame */
    public CompletableFuture<Void> requestKeyFrame() {
        return requester.request(workerId, ENTITY, "requestKeyFrame",
                        ConsumerRequestKeyFrameRequest.newBuilder().setConsumerId(id()).build(),
                        ConsumerRequestKeyFrameResponse.parser(), null)
                .thenApply(response -> null);
    }

    /** consumer.close */
    public CompletableFuture<Void> close() {
        return requester.request(workerId, ENTITY, "close",
                        ConsumerCloseRequest.newBuilder().setConsumerId(id()).build(), ConsumerCloseResponse.parser(),
                        null)
                .thenApply(response -> null);
    }

    /** consumer.dump */
    public CompletableFuture<ConsumerDumpResponse> dump() {
        return requester.request(workerId, ENTITY, "dump", ConsumerDumpRequest.newBuilder().setConsumerId(id()).build(),
                ConsumerDumpResponse.parser(), null);
    }

    /** consumer.getStats */
    public CompletableFuture<ConsumerStats> getStats() {
        return requester.request(workerId, ENTITY, "getStats",
                        ConsumerGetStatsRequest.newBuilder().setConsumerId(id()).build(),
                        ConsumerGetStatsResponse.parser(), null)
                .thenApply(ConsumerGetStatsResponse::getStats);
    }

    @Override
    public String toString() {
        return "ConsumerClient{" + id() + " of " + producerId + " on " + workerId + "}";
    }
}
