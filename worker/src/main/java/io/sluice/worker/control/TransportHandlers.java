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
import io.sluice.api.v1.TransportStats;
import io.sluice.worker.control.mapping.ListenInfoMapper;
import io.sluice.worker.control.mapping.PlainTransportMapper;
import io.sluice.worker.control.mapping.TransportMapper;
import io.sluice.worker.router.PipeTransport;
import io.sluice.worker.router.PlainTransport;
import io.sluice.worker.router.SluiceException;
import io.sluice.worker.router.WebRtcTransport;

/** Handlers of router.createWebRtcTransport, transport.*, worker.worker().createWebRtcServer and webRtcServer.*; on the worker's loop. */
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

    static CompletionStage<RouterCreateWebRtcTransportResponse> createWebRtcTransport(WorkerControl worker,
            RouterCreateWebRtcTransportRequest request) throws SluiceException {
        return map(worker.worker().createWebRtcTransport(TransportMapper.toDomain(request)), transport ->
                RouterCreateWebRtcTransportResponse.newBuilder().setTransport(TransportMapper.info(transport)).build());
    }

    static TransportConnectResponse connect(WorkerControl worker, TransportConnectRequest request) throws SluiceException {
        WebRtcTransport transport = worker.worker().webRtcTransport(request.getTransportId());
        return TransportConnectResponse.newBuilder()
                .setDtlsLocalRole(TransportMapper.toProto(transport.connect(
                        TransportMapper.toDomain(request.getDtlsParameters()))))
                .build();
    }

    static TransportRestartIceResponse restartIce(WorkerControl worker, TransportRestartIceRequest request)
            throws SluiceException {
        return TransportRestartIceResponse.newBuilder()
                .setIceParameters(TransportMapper.toProto(worker.worker().webRtcTransport(request.getTransportId())
                        .restartIce()))
                .build();
    }

    /** transport.getStats, for a transport of any kind. */
    static TransportGetStatsResponse getStats(WorkerControl worker, TransportGetStatsRequest request)
            throws SluiceException {
        long now = worker.clock().epochMillis();
        TransportStats stats = switch (worker.worker().transport(request.getTransportId())) {
            case WebRtcTransport webRtc -> TransportMapper.stats(webRtc, now);
            case PlainTransport plain -> PlainTransportMapper.stats(plain, now);
            case PipeTransport pipe -> PipeHandlers.stats(pipe, now);
        };
        return TransportGetStatsResponse.newBuilder().setStats(stats).build();
    }

    static TransportDumpResponse dump(WorkerControl worker, TransportDumpRequest request) throws SluiceException {
        WebRtcTransport transport = worker.worker().webRtcTransport(request.getTransportId());
        return TransportMapper.dump(transport, worker.worker().producerIds(transport),
                worker.worker().consumerIds(transport));
    }

    static TransportCloseResponse close(WorkerControl worker, TransportCloseRequest request) throws SluiceException {
        if (worker.worker().data().isDirectTransport(request.getTransportId())) {
            worker.worker().data().closeDirectTransport(request.getTransportId());
        } else {
            worker.worker().closeTransport(request.getTransportId());
        }
        return TransportCloseResponse.getDefaultInstance();
    }

    static CompletionStage<WorkerCreateWebRtcServerResponse> createWebRtcServer(WorkerControl worker,
            WorkerCreateWebRtcServerRequest request) throws SluiceException {
        return map(worker.worker().createWebRtcServer(ListenInfoMapper.toDomain(request.getListenInfosList())),
                server -> WorkerCreateWebRtcServerResponse.newBuilder()
                        .setWebrtcServerId(server.id())
                        .addAllLocalTuples(TransportMapper.toProto(server.localTuples()))
                        .build());
    }

    static WebRtcServerCloseResponse closeWebRtcServer(WorkerControl worker, WebRtcServerCloseRequest request)
            throws SluiceException {
        worker.worker().closeWebRtcServer(request.getWebrtcServerId());
        return WebRtcServerCloseResponse.getDefaultInstance();
    }

    static WebRtcServerDumpResponse dumpWebRtcServer(WorkerControl worker, WebRtcServerDumpRequest request)
            throws SluiceException {
        return TransportMapper.dump(worker.worker().webRtcServer(request.getWebrtcServerId()));
    }
}
