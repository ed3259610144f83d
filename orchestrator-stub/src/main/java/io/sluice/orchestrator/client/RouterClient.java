package io.sluice.orchestrator.client;

import io.sluice.api.v1.RouterCloseRequest;
import io.sluice.api.v1.RouterCreateActiveSpeakerObserverRequest;
import io.sluice.api.v1.RouterCreateActiveSpeakerObserverResponse;
import io.sluice.api.v1.RouterCreateWebRtcTransportRequest;
import io.sluice.api.v1.RouterCreateWebRtcTransportResponse;
import io.sluice.api.v1.RouterCloseResponse;
import io.sluice.api.v1.RouterDumpRequest;
import io.sluice.api.v1.RouterDumpResponse;
import io.sluice.api.v1.RouterGetRtpCapabilitiesRequest;
import io.sluice.api.v1.RouterGetRtpCapabilitiesResponse;
import io.sluice.api.v1.RouterPipeToRouterRequest;
import io.sluice.api.v1.RouterPipeToRouterResponse;
import io.sluice.api.v1.RtpCapabilities;
import io.sluice.api.v1.WebRtcTransportInfo;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The methods of one router ({@code sluice.<workerId>.router.<method>}). A router lives on the
 * worker that created it, so the client carries both ids.
 */
public final class RouterClient {

    private static final String ENTITY = "router";

    private final SluiceRequester requester;
    private final String workerId;
    private final String routerId;
    private final RtpCapabilities createdRtpCapabilities;

    RouterClient(SluiceRequester requester, String workerId, String routerId, RtpCapabilities createdRtpCapabilities) {
        this.requester = Objects.requireNonNull(requester, "requester");
        this.workerId = Objects.requireNonNull(workerId, "workerId");
        this.routerId = Objects.requireNonNull(routerId, "routerId");
        this.createdRtpCapabilities = createdRtpCapabilities;
    }

    public String id() {
        return routerId;
    }

    public String workerId() {
        return workerId;
    }

    /**
     * The capabilities the worker answered to createRouter; empty for a client made from ids
     * alone ({@link WorkerClient#router(String)}), which asks {@link #getRtpCapabilities()}.
     */
    public Optional<RtpCapabilities> createdRtpCapabilities() {
        return Optional.ofNullable(createdRtpCapabilities);
    }

    /** router.close; the worker then publishes {@code router_closed}. */
    public CompletableFuture<Void> close() {
        return requester.request(workerId, ENTITY, "close",
                        RouterCloseRequest.newBuilder().setRouterId(routerId).build(), RouterCloseResponse.parser(), null)
                .thenApply(response -> null);
    }

    /** router.dump */
    public CompletableFuture<RouterDumpResponse> dump() {
        return requester.request(workerId, ENTITY, "dump", RouterDumpRequest.newBuilder().setRouterId(routerId).build(),
                RouterDumpResponse.parser(), null);
    }

    /** router.getRtpCapabilities */
    public CompletableFuture<RtpCapabilities> getRtpCapabilities() {
        return requester.request(workerId, ENTITY, "getRtpCapabilities",
                        RouterGetRtpCapabilitiesRequest.newBuilder().setRouterId(routerId).build(),
                        RouterGetRtpCapabilitiesResponse.parser(), null)
                .thenApply(RouterGetRtpCapabilitiesResponse::getRtpCapabilities);
    }

    /**
     * router.createWebRtcTransport for one user; {@code request}'s router id is set to this
     * router's (other fields as given: listen infos, UDP/TCP, a WebRTC server).
     *
     * @param idempotencyKey null, or a key that makes a retry return the first transport
     */
    public CompletableFuture<TransportClient> createWebRtcTransport(RouterCreateWebRtcTransportRequest request,
            String idempotencyKey) {
        RouterCreateWebRtcTransportRequest forThisRouter = request.toBuilder().setRouterId(routerId).build();
        return requester.request(workerId, ENTITY, "createWebRtcTransport", forThisRouter,
                        RouterCreateWebRtcTransportResponse.parser(), idempotencyKey)
                .thenApply(created -> new TransportClient(requester, workerId, routerId, created.getTransport()));
    }

    /**
     * router.pipeToRouter (docs/protocol.md, "Pipes"): the producer of this router becomes
     * consumable on {@code target} under its own id. Idempotent: piping it there again answers the
     * existing pipe ({@code existing}).
     */
    public CompletableFuture<RouterPipeToRouterResponse> pipeToRouter(String producerId, RouterClient target) {
        return requester.request(workerId, ENTITY, "pipeToRouter", RouterPipeToRouterRequest.newBuilder()
                        .setRouterId(routerId).setProducerId(producerId).setTargetWorkerId(target.workerId())
                        .setTargetRouterId(target.id()).build(),
                RouterPipeToRouterResponse.parser(), null);
    }

    /** router.createActiveSpeakerObserver with mediasoup's default interval (300 ms). */
    public CompletableFuture<RtpObserverClient> createActiveSpeakerObserver() {
        return requester.request(workerId, ENTITY, "createActiveSpeakerObserver",
                        RouterCreateActiveSpeakerObserverRequest.newBuilder().setRouterId(routerId).build(),
                        RouterCreateActiveSpeakerObserverResponse.parser(), null)
                .thenApply(created -> new RtpObserverClient(requester, workerId, created.getRtpObserverId()));
    }

    /**
     * The router's first active speaker observer (from router.dump and rtpObserver.dump), or a new
     * one when it has none.
     */
    public CompletableFuture<RtpObserverClient> activeSpeakerObserver() {
        return dump().thenCompose(dump -> firstActiveSpeaker(dump.getRtpObserverIdsList(), 0));
    }

    private CompletableFuture<RtpObserverClient> firstActiveSpeaker(List<String> observerIds, int index) {
        if (index == observerIds.size()) {
            return createActiveSpeakerObserver();
        }
        RtpObserverClient observer = new RtpObserverClient(requester, workerId, observerIds.get(index));
        return observer.dump().thenCompose(dump -> dump.getType().equals("activespeaker")
                ? CompletableFuture.completedFuture(observer) : firstActiveSpeaker(observerIds, index + 1));
    }

    /**
     * A client of a transport this router made earlier, from what its creation answered (a
     * signaling server restoring its sessions after a restart).
     */
    public TransportClient transport(WebRtcTransportInfo createdInfo) {
        return new TransportClient(requester, workerId, routerId, createdInfo);
    }

    @Override
    public String toString() {
        return "RouterClient{" + routerId + " on " + workerId + "}";
    }
}
