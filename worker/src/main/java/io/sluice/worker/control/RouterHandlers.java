package io.sluice.worker.control;

import io.sluice.api.v1.RouterCloseRequest;
import io.sluice.api.v1.RouterCloseResponse;
import io.sluice.api.v1.RouterDumpRequest;
import io.sluice.api.v1.RouterDumpResponse;
import io.sluice.api.v1.RouterGetRtpCapabilitiesRequest;
import io.sluice.api.v1.RouterGetRtpCapabilitiesResponse;
import io.sluice.worker.control.mapping.RouterMapper;
import io.sluice.worker.control.mapping.RtpParametersMapper;
import io.sluice.worker.router.SluiceException;

/** Handlers of the {@code router.*} methods; each runs on the router's worker loop. */
final class RouterHandlers {

    private RouterHandlers() {}

    static RouterCloseResponse close(WorkerControl worker, RouterCloseRequest request) throws SluiceException {
        worker.worker().closeRouter(request.getRouterId());
        return RouterCloseResponse.getDefaultInstance();
    }

    static RouterDumpResponse dump(WorkerControl worker, RouterDumpRequest request) throws SluiceException {
        return RouterMapper.toProto(worker.worker().router(request.getRouterId()).dump());
    }

    static RouterGetRtpCapabilitiesResponse getRtpCapabilities(WorkerControl worker, RouterGetRtpCapabilitiesRequest request)
            throws SluiceException {
        return RouterGetRtpCapabilitiesResponse.newBuilder()
                .setRtpCapabilities(RtpParametersMapper.toProto(worker.worker().router(request.getRouterId()).rtpCapabilities()))
                .build();
    }
}
