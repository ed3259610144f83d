package io.sluice.orchestrator.client;

import io.sluice.api.v1.AppData;
import io.sluice.api.v1.RtpCodecCapability;
import io.sluice.api.v1.WorkerCreateRouterRequest;
import io.sluice.api.v1.WorkerCreateRouterResponse;
import io.sluice.api.v1.WorkerDrainRequest;
import io.sluice.api.v1.WorkerDrainResponse;
import io.sluice.api.v1.WorkerDumpRequest;
import io.sluice.api.v1.WorkerDumpResponse;
import io.sluice.api.v1.WorkerGetResourceUsageRequest;
import io.sluice.api.v1.WorkerGetResourceUsageResponse;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/** The methods of one worker ({@code sluice.<workerId>.worker.<method>}), as mediasoup's Worker. */
public final class WorkerClient {

    private static final String ENTITY = "worker";

    private final SluiceRequester requester;
    private final String workerId;

    public WorkerClient(SluiceRequester requester, String workerId) {
        this.requester = Objects.requireNonNull(requester, "requester");
        this.workerId = Objects.requireNonNull(workerId, "workerId");
    }

    public String id() {
        return workerId;
    }

    /** worker.dump */
    public CompletableFuture<WorkerDumpResponse> dump() {
        return requester.request(workerId, ENTITY, "dump", WorkerDumpRequest.getDefaultInstance(),
                WorkerDumpResponse.parser(), null);
    }

    /** worker.drain: answers the routers still open on the worker. */
    public CompletableFuture<Integer> drain() {
        return requester.request(workerId, ENTITY, "drain", WorkerDrainRequest.getDefaultInstance(),
                WorkerDrainResponse.parser(), null).thenApply(WorkerDrainResponse::getRouters);
    }

    /** worker.getResourceUsage */
    public CompletableFuture<WorkerGetResourceUsageResponse> getResourceUsage() {
        return requester.request(workerId, ENTITY, "getResourceUsage",
                WorkerGetResourceUsageRequest.getDefaultInstance(), WorkerGetResourceUsageResponse.parser(), null);
    }

    /**
     * worker.createRouter for a room.
     *
     * @param idempotencyKey null, or a key that makes a retry of this very creation return the
     *     first reply instead of creating a second router (the worker remembers it 10 minutes)
     */
    public CompletableFuture<RouterClient> createRouter(List<RtpCodecCapability> mediaCodecs, String roomId,
            String idempotencyKey) {
        WorkerCreateRouterRequest request = WorkerCreateRouterRequest.newBuilder()
                .addAllMediaCodecs(mediaCodecs)
                .setRoomId(roomId)
                .build();
        return createRouter(request, idempotencyKey);
    }

    /** worker.createRouter with every field of the request (e.g. {@link AppData}). */
    public CompletableFuture<RouterClient> createRouter(WorkerCreateRouterRequest request, String idempotencyKey) {
        return requester.request(workerId, ENTITY, "createRouter", request, WorkerCreateRouterResponse.parser(),
                        idempotencyKey)
                .thenApply(created -> new RouterClient(requester, workerId, created.getRouterId(),
                        created.getRtpCapabilities()));
    }

    /** A client for a router this worker created earlier (e.g. an id restored from Redis). */
    public RouterClient router(String routerId) {
        return new RouterClient(requester, workerId, routerId, null);
    }

    @Override
    public String toString() {
        return "WorkerClient{" + workerId + "}";
    }
}
