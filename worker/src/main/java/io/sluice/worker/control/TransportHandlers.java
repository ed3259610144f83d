package io.sluice.worker.control;

import io.netty.util.concurrent.Future;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import io.sluice.api.v1.RouterCreateWebRtcTransportRequest;
import io.sluice.api.v1.RouterCreateWebRtcTransportResponse;
import io.sluice.api.v1.TransportCloseRequest;
import io.sluice.api.v1.TransportCloseResponse;
import io.sluice.api.v1.TransportConnectRequest;
import io.sluice.api.v1.TransportConnectResponse;
import io.sluice.api.v1.TransportDumpRequest;
import io.sluice.api.v1.TransportDumpResponse;
import io.sluice.api.v1.TransportGetStatsRequest;
import io.sluice.api.v1.TransportGetStatsResponse;
import io.sluice.api.v1.TransportRestartIceRequest;
import io.sluice.api.v1.TransportRestartIceResponse;
import io.sluice.api.v1.WebRtcServerCloseRequest;
import io.sluice.api.v1.WebRtcServerCloseResponse;
import io.sluice.api.v1.WebRtcServerDumpRequest;
import io.sluice.api.v1.WebRtcServerDumpResponse;
import io.sluice.api.v1.WorkerCreateWebRtcServerRequest;
import io.sluice.api.v1.WorkerCreateWebRtcServerResponse;
import io.sluice.worker.SluiceException;
import io.sluice.worker.Worker;

/** Handlers of router.createWebRtcTransport, transport.*, worker.createWebRtcServer and webRtcServer.*; on the worker's loop. */
final class TransportHandlers {

    private TransportHandlers() {}

    /** The reply made from {@code created}, completed on the loop (where Netty runs the listener), or its failure. */
    static <T, R> CompletionStage<R> map(Future<T> created, Function<T, R> reply) {
        CompletableFuture<R> mapped = new CompletableFuture<>();
        created.addListener((Future<T> done) -> {
            if (done.isSuccess()) {
                mapped.complete(reply.apply(done.getNow()));
            } else {
                mapped.completeExceptionally(done.cause());
            }
        });
        return mapped;
    }

    static CompletionStage<RouterCreateWebRtcTransportResponse> createWebRtcTransport(Worker worker,
            RouterCreateWebRtcTransportRequest request) throws SluiceException {
        return map(worker.createWebRtcTransport(request), transport ->
                RouterCreateWebRtcTransportResponse.newBuilder().setTransport(transport.info()).build());
    }

    static TransportConnectResponse connect(Worker worker, TransportConnectRequest request) throws SluiceException {
        return TransportConnectResponse.newBuilder()
                .setDtlsLocalRole(worker.transport(request.getTransportId()).connect(request.getDtlsParameters()))
                .build();
    }

    static TransportRestartIceResponse restartIce(Worker worker, TransportRestartIceRequest request)
            throws SluiceException {
        return TransportRestartIceResponse.newBuilder()
                .setIceParameters(worker.transport(request.getTransportId()).restartIce())
                .build();
    }

    /** transport.getStats, for a WebRTC or a plain transport. */
    static TransportGetStatsResponse getStats(Worker worker, TransportGetStatsRequest request) throws SluiceException {
        long now = worker.clock().epochMillis();
        String id = request.getTransportId();
        if (worker.media().hasPlainTransport(id)) {
            return TransportGetStatsResponse.newBuilder().setStats(worker.media().plainTransport(id).stats(now)).build();
        }
        return TransportGetStatsResponse.newBuilder().setStats(worker.transport(id).stats(now)).build();
    }

    static TransportDumpResponse dump(Worker worker, TransportDumpRequest request) throws SluiceException {
        return worker.transport(request.getTransportId()).dump().toBuilder()
                .addAllProducerIds(worker.media().producerIds(request.getTransportId()))
                .addAllConsumerIds(worker.media().consumerIds(request.getTransportId()))
                .build();
    }

    static TransportCloseResponse close(Worker worker, TransportCloseRequest request) throws SluiceException {
        worker.closeTransport(request.getTransportId());
        return TransportCloseResponse.getDefaultInstance();
    }

    static CompletionStage<WorkerCreateWebRtcServerResponse> createWebRtcServer(Worker worker,
            WorkerCreateWebRtcServerRequest request) throws SluiceException {
        return map(worker.createWebRtcServer(request.getListenInfosList()), server ->
                WorkerCreateWebRtcServerResponse.newBuilder()
                        .setWebrtcServerId(server.id())
                        .addAllLocalTuples(server.localTuples())
                        .build());
    }

    static WebRtcServerCloseResponse closeWebRtcServer(Worker worker, WebRtcServerCloseRequest request)
            throws SluiceException {
        worker.closeWebRtcServer(request.getWebrtcServerId());
        return WebRtcServerCloseResponse.getDefaultInstance();
    }

    static WebRtcServerDumpResponse dumpWebRtcServer(Worker worker, WebRtcServerDumpRequest request)
            throws SluiceException {
        return worker.webRtcServer(request.getWebrtcServerId()).dump();
    }
}
