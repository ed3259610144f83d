package io.sluice.worker.control;

import io.sluice.api.v1.PipeTransportCloseRequest;
import io.sluice.api.v1.PipeTransportConnectRequest;
import io.sluice.api.v1.PipeTransportConsumeRequest;
import io.sluice.api.v1.PipeTransportDumpRequest;
import io.sluice.api.v1.PipeTransportProduceRequest;
import io.sluice.api.v1.RouterCreatePipeTransportRequest;
import io.sluice.api.v1.RouterPipeToRouterRequest;
import java.util.List;

/** The method table's lines for pipes between routers (see {@link ControlMethods}). */
final class PipeMethods {

    private PipeMethods() {}

    static List<ControlMethod<?, ?>> all() {
        return List.of(
                ControlMethod.creatingAsync("router", "createPipeTransport",
                        RouterCreatePipeTransportRequest.getDefaultInstance(), PipeHandlers::createPipeTransport)
                        .require("router_id"),
                ControlMethod.of("pipeTransport", "connect", PipeTransportConnectRequest.getDefaultInstance(),
                        PipeHandlers::connect).require("transport_id"),
                ControlMethod.creating("pipeTransport", "consume", PipeTransportConsumeRequest.getDefaultInstance(),
                        PipeHandlers::consume).require("transport_id", "producer_id"),
                ControlMethod.creating("pipeTransport", "produce", PipeTransportProduceRequest.getDefaultInstance(),
                        PipeHandlers::produce).require("transport_id", "producer_id", "kind", "rtp_parameters"),
                ControlMethod.of("pipeTransport", "close", PipeTransportCloseRequest.getDefaultInstance(),
                        PipeHandlers::close).require("transport_id"),
                ControlMethod.of("pipeTransport", "dump", PipeTransportDumpRequest.getDefaultInstance(),
                        PipeHandlers::dump).require("transport_id"),
                ControlMethod.creatingAsync("router", "pipeToRouter", RouterPipeToRouterRequest.getDefaultInstance(),
                        PipeToRouter::handle)
                        .require("router_id", "producer_id", "target_worker_id", "target_router_id"));
    }
}
