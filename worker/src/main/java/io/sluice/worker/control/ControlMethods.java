package io.sluice.worker.control;

import io.sluice.api.v1.RouterCloseRequest;
import io.sluice.api.v1.RouterDumpRequest;
import io.sluice.api.v1.RouterGetRtpCapabilitiesRequest;
import io.sluice.api.v1.WorkerCreateRouterRequest;
import io.sluice.api.v1.WorkerDumpRequest;
import io.sluice.api.v1.WorkerGetResourceUsageRequest;
import java.util.List;

/**
 * The control API's method table: one line per method (docs/protocol.md, Methods). A new method
 * is a new line here plus its handler; parsing, validation, the hop onto the loop, idempotency,
 * errors, timeouts and NATS micro discovery come with it.
 */
public final class ControlMethods {

    private ControlMethods() {}

    public static List<ControlMethod<?, ?>> all() {
        return List.of(
                ControlMethod.of("worker", "dump", WorkerDumpRequest.getDefaultInstance(), WorkerHandlers::dump),
                ControlMethod.of("worker", "getResourceUsage", WorkerGetResourceUsageRequest.getDefaultInstance(),
                        WorkerHandlers::getResourceUsage),
                ControlMethod.creating("worker", "createRouter", WorkerCreateRouterRequest.getDefaultInstance(),
                        WorkerHandlers::createRouter).require("media_codecs"),
                ControlMethod.of("router", "close", RouterCloseRequest.getDefaultInstance(),
                        RouterHandlers::close).require("router_id"),
                ControlMethod.of("router", "dump", RouterDumpRequest.getDefaultInstance(),
                        RouterHandlers::dump).require("router_id"),
                ControlMethod.of("router", "getRtpCapabilities", RouterGetRtpCapabilitiesRequest.getDefaultInstance(),
                        RouterHandlers::getRtpCapabilities).require("router_id"));
    }
}
