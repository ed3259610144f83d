package io.sluice.worker.control;

import io.sluice.api.v1.RouterCloseRequest;
import io.sluice.api.v1.RouterCreateWebRtcTransportRequest;
import io.sluice.api.v1.TransportCloseRequest;
import io.sluice.api.v1.TransportConnectRequest;
import io.sluice.api.v1.TransportDumpRequest;
import io.sluice.api.v1.TransportEnableTraceEventRequest;
import io.sluice.api.v1.TransportSetMaxIncomingBitrateRequest;
import io.sluice.api.v1.TransportSetMaxOutgoingBitrateRequest;
import io.sluice.api.v1.TransportSetMinOutgoingBitrateRequest;
import io.sluice.api.v1.TransportGetStatsRequest;
import io.sluice.api.v1.TransportRestartIceRequest;
import io.sluice.api.v1.WebRtcServerCloseRequest;
import io.sluice.api.v1.WebRtcServerDumpRequest;
import io.sluice.api.v1.WorkerCreateWebRtcServerRequest;
import io.sluice.api.v1.RouterDumpRequest;
import io.sluice.api.v1.RouterGetRtpCapabilitiesRequest;
import io.sluice.api.v1.WorkerCreateRouterRequest;
import io.sluice.api.v1.WorkerDrainRequest;
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
        List<ControlMethod<?, ?>> all = new java.util.ArrayList<>(List.of(
                ControlMethod.of("worker", "dump", WorkerDumpRequest.getDefaultInstance(), WorkerHandlers::dump),
                ControlMethod.of("worker", "drain", WorkerDrainRequest.getDefaultInstance(), WorkerHandlers::drain),
                ControlMethod.of("worker", "getResourceUsage", WorkerGetResourceUsageRequest.getDefaultInstance(),
                        WorkerHandlers::getResourceUsage),
                ControlMethod.creating("worker", "createRouter", WorkerCreateRouterRequest.getDefaultInstance(),
                        WorkerHandlers::createRouter).require("media_codecs"),
                ControlMethod.of("router", "close", RouterCloseRequest.getDefaultInstance(),
                        RouterHandlers::close).require("router_id"),
                ControlMethod.of("router", "dump", RouterDumpRequest.getDefaultInstance(),
                        RouterHandlers::dump).require("router_id"),
                ControlMethod.of("router", "getRtpCapabilities", RouterGetRtpCapabilitiesRequest.getDefaultInstance(),
                        RouterHandlers::getRtpCapabilities).require("router_id"),
                ControlMethod.creatingAsync("router", "createWebRtcTransport",
                        RouterCreateWebRtcTransportRequest.getDefaultInstance(),
                        TransportHandlers::createWebRtcTransport).require("router_id"),
                ControlMethod.of("transport", "connect", TransportConnectRequest.getDefaultInstance(),
                        TransportHandlers::connect).require("transport_id", "dtls_parameters"),
                ControlMethod.of("transport", "restartIce", TransportRestartIceRequest.getDefaultInstance(),
                        TransportHandlers::restartIce).require("transport_id"),
                ControlMethod.of("transport", "getStats", TransportGetStatsRequest.getDefaultInstance(),
                        TransportHandlers::getStats).require("transport_id"),
                ControlMethod.of("transport", "dump", TransportDumpRequest.getDefaultInstance(),
                        TransportHandlers::dump).require("transport_id"),
                ControlMethod.of("transport", "close", TransportCloseRequest.getDefaultInstance(),
                        TransportHandlers::close).require("transport_id"),
                ControlMethod.of("transport", "setMaxOutgoingBitrate",
                        TransportSetMaxOutgoingBitrateRequest.getDefaultInstance(),
                        BandwidthHandlers::setMaxOutgoingBitrate).require("transport_id"),
                ControlMethod.of("transport", "setMinOutgoingBitrate",
                        TransportSetMinOutgoingBitrateRequest.getDefaultInstance(),
                        BandwidthHandlers::setMinOutgoingBitrate).require("transport_id"),
                ControlMethod.of("transport", "setMaxIncomingBitrate",
                        TransportSetMaxIncomingBitrateRequest.getDefaultInstance(),
                        BandwidthHandlers::setMaxIncomingBitrate).require("transport_id"),
                ControlMethod.of("transport", "enableTraceEvent", TransportEnableTraceEventRequest.getDefaultInstance(),
                        BandwidthHandlers::enableTraceEvent).require("transport_id"),
                ControlMethod.creatingAsync("worker", "createWebRtcServer",
                        WorkerCreateWebRtcServerRequest.getDefaultInstance(),
                        TransportHandlers::createWebRtcServer).require("listen_infos"),
                ControlMethod.of("webRtcServer", "close", WebRtcServerCloseRequest.getDefaultInstance(),
                        TransportHandlers::closeWebRtcServer).require("webrtc_server_id"),
                ControlMethod.of("webRtcServer", "dump", WebRtcServerDumpRequest.getDefaultInstance(),
                        TransportHandlers::dumpWebRtcServer).require("webrtc_server_id")));
        all.addAll(MediaMethods.all());
        all.addAll(PipeMethods.all());
        all.addAll(DataMethods.all());
        all.addAll(RtpObserverMethods.all());
        return List.copyOf(all);
    }
}
