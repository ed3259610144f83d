package io.sluice.worker.control;

import io.sluice.api.v1.WorkerCreateRouterRequest;
import io.sluice.api.v1.WorkerCreateRouterResponse;
import io.sluice.api.v1.WorkerDrainRequest;
import io.sluice.api.v1.WorkerDrainResponse;
import io.sluice.api.v1.WorkerDumpRequest;
import io.sluice.api.v1.WorkerDumpResponse;
import io.sluice.api.v1.WorkerGetResourceUsageRequest;
import io.sluice.api.v1.WorkerGetResourceUsageResponse;
import io.sluice.worker.router.SluiceException;
import io.sluice.worker.router.Router;

/** Handlers of the {@code worker.*} methods; each runs on the worker's loop. */
final class WorkerHandlers {

    private WorkerHandlers() {}

    static WorkerDumpResponse dump(WorkerControl worker, WorkerDumpRequest request) {
        return worker.dump();
    }

    static WorkerDrainResponse drain(WorkerControl worker, WorkerDrainRequest request) {
        worker.drain();
        return WorkerDrainResponse.newBuilder().setRouters(worker.worker().routers().size()).build();
    }

    static WorkerGetResourceUsageResponse getResourceUsage(WorkerControl worker, WorkerGetResourceUsageRequest request) {
        return worker.resourceUsage();
    }

    static WorkerCreateRouterResponse createRouter(WorkerControl worker, WorkerCreateRouterRequest request)
            throws SluiceException {
        Router router = worker.worker().createRouter(request.getMediaCodecsList(), request.getRoomId(), request.getAppData());
        return WorkerCreateRouterResponse.newBuilder()
                .setRouterId(router.id())
                .setRtpCapabilities(router.rtpCapabilities())
                .build();
    }
}
