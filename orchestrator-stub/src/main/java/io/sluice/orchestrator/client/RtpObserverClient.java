package io.sluice.orchestrator.client;

import io.sluice.api.v1.RtpObserverAddProducerRequest;
import io.sluice.api.v1.RtpObserverAddProducerResponse;
import io.sluice.api.v1.RtpObserverCloseRequest;
import io.sluice.api.v1.RtpObserverCloseResponse;
import io.sluice.api.v1.RtpObserverDumpRequest;
import io.sluice.api.v1.RtpObserverDumpResponse;
import io.sluice.api.v1.RtpObserverPauseRequest;
import io.sluice.api.v1.RtpObserverPauseResponse;
import io.sluice.api.v1.RtpObserverRemoveProducerRequest;
import io.sluice.api.v1.RtpObserverRemoveProducerResponse;
import io.sluice.api.v1.RtpObserverResumeRequest;
import io.sluice.api.v1.RtpObserverResumeResponse;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The methods of one active speaker or audio level observer
 * ({@code sluice.<workerId>.rtpObserver.<method>}, docs/protocol.md "RTP observers"); its events
 * come through {@link RtpObserverEventListener}.
 */
public final class RtpObserverClient {

    private static final String ENTITY = "rtpObserver";

    private final SluiceRequester requester;
    private final String workerId;
    private final String observerId;

    RtpObserverClient(SluiceRequester requester, String workerId, String observerId) {
        this.requester = Objects.requireNonNull(requester, "requester");
        this.workerId = Objects.requireNonNull(workerId, "workerId");
        this.observerId = Objects.requireNonNull(observerId, "observerId");
    }

    public String id() {
        return observerId;
    }

    /** rtpObserver.addProducer: an audio producer of the observer's router. */
    public CompletableFuture<Void> addProducer(String producerId) {
        return requester.request(workerId, ENTITY, "addProducer", RtpObserverAddProducerRequest.newBuilder()
                        .setRtpObserverId(observerId).setProducerId(producerId).build(),
                RtpObserverAddProducerResponse.parser(), null).thenApply(response -> null);
    }

    /** rtpObserver.removeProducer */
    public CompletableFuture<Void> removeProducer(String producerId) {
        return requester.request(workerId, ENTITY, "removeProducer", RtpObserverRemoveProducerRequest.newBuilder()
                        .setRtpObserverId(observerId).setProducerId(producerId).build(),
                RtpObserverRemoveProducerResponse.parser(), null).thenApply(response -> null);
    }

    /** rtpObserver.pause */
    public CompletableFuture<Void> pause() {
        return requester.request(workerId, ENTITY, "pause",
                RtpObserverPauseRequest.newBuilder().setRtpObserverId(observerId).build(),
                RtpObserverPauseResponse.parser(), null).thenApply(response -> null);
    }

    /** rtpObserver.resume */
    public CompletableFuture<Void> resume() {
        return requester.request(workerId, ENTITY, "resume",
                RtpObserverResumeRequest.newBuilder().setRtpObserverId(observerId).build(),
                RtpObserverResumeResponse.parser(), null).thenApply(response -> null);
    }

    /** rtpObserver.close */
    public CompletableFuture<Void> close() {
        return requester.request(workerId, ENTITY, "close",
                RtpObserverCloseRequest.newBuilder().setRtpObserverId(observerId).build(),
                RtpObserverCloseResponse.parser(), null).thenApply(response -> null);
    }

    /** rtpObserver.dump */
    public CompletableFuture<RtpObserverDumpResponse> dump() {
        return requester.request(workerId, ENTITY, "dump",
                RtpObserverDumpRequest.newBuilder().setRtpObserverId(observerId).build(),
                RtpObserverDumpResponse.parser(), null);
    }

    @Override
    public String toString() {
        return "RtpObserverClient{" + observerId + " on " + workerId + "}";
    }
}
