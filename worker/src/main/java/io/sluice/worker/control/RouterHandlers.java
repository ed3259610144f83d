package io.sluice.worker.control;

import io.sluice.api.v1.RouterCloseRequest;
import io.sluice.api.v1.RouterCloseResponse;
import io.sluice.api.v1.RouterDumpRequest;
import io.sluice.api.v1.RouterDumpResponse;
import io.sluice.api.v1.RouterGetRtpCapabilitiesRequest;
import io.sluice.api.v1.RouterGetRtpCapabilitiesResponse;
import io.sluice.worker.SluiceException;
import io.sluice.worker.Worker;

/** Handlers of the {@code router.*} methods; each runs on the router's worker loop. */
final class RouterHandlers {

    private RouterHandlers() {}

    static RouterCloseResponse close(Worker worker, RouterCloseRequest request) throws SluiceException {
        worker.closeRouter(request.getRouterId());
        return RouterCloseResponse.getDefaultInstance();
    }

    static RouterDumpResponse dump(Worker worker, RouterDumpRequest request) throws SluiceException {
        return worker.router(request.getRouterId()).dump();
    }

    static RouterGetRtpCapabilitiesResponse getRtpCapabilities(Worker worker, RouterGetRtpCapabilitiesRequest request)
            throws SluiceException {
        return RouterGetRtpCapabilitiesResponse.newBuilder()
                .setRtpCapabilities(worker.router(request.getRouterId()).rtpCapabilities())
                .build();
    }
}
