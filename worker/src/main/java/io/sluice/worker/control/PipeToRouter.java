package io.sluice.worker.control;

import io.sluice.api.v1.PipePeer;
import io.sluice.api.v1.PipeTransportCloseRequest;
import io.sluice.api.v1.PipeTransportCloseResponse;
import io.sluice.api.v1.PipeTransportConnectRequest;
import io.sluice.api.v1.PipeTransportConnectResponse;
import io.sluice.api.v1.PipeTransportInfo;
import io.sluice.api.v1.PipeTransportProduceRequest;
import io.sluice.api.v1.RouterCreatePipeTransportRequest;
import io.sluice.api.v1.RouterCreatePipeTransportResponse;
import io.sluice.api.v1.RouterDumpRequest;
import io.sluice.api.v1.RouterDumpResponse;
import io.sluice.api.v1.RouterPipeToRouterRequest;
import io.sluice.api.v1.RouterPipeToRouterResponse;
import io.sluice.api.v1.TransportListenInfo;
import io.sluice.api.v1.TransportProduceResponse;
import io.sluice.worker.control.mapping.ListenInfoMapper;
import io.sluice.worker.control.mapping.RtpParametersMapper;
import io.sluice.worker.router.PipeConsumer;
import io.sluice.worker.router.PipeTransport;
import io.sluice.worker.router.Producer;
import io.sluice.worker.router.Router;
import io.sluice.worker.router.SluiceException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * router.pipeToRouter: makes a producer consumable on a router of another worker (another loop of
 * this process, or another process) under the same id, in one call. This worker negotiates with
 * the target over the target's own control subjects, as a backend would: it checks the target
 * router, makes (or reuses) the pair of pipe transports between the two routers and connects both
 * ends, then makes the pipe consumer here and the pipe producer there. A step that fails undoes
 * the steps before it, so nothing half-made is left on either worker. Piping again answers the
 * existing pipe; piping a producer to a router that has it already (piping back) answers that.
 * A router of this same worker is a target like another: the pipe crosses in memory, and the
 * producer's id then names a producer on each of the two routers ({@code Worker#producerOn}).
 */
final class PipeToRouter {

    private PipeToRouter() {}

    static CompletionStage<RouterPipeToRouterResponse> handle(WorkerControl control, RouterPipeToRouterRequest request)
            throws SluiceException {
        Router router = control.worker().router(request.getRouterId());
        Producer producer;
        try {
            producer = control.worker().producerOn(router, request.getProducerId());
        } catch (SluiceException e) {
            throw new SluiceException(e.code(), "producer " + request.getProducerId() + " is not on router "
                    + router.id(), "producer_id");
        }
        String targetWorker = request.getTargetWorkerId();
        String targetRouter = request.getTargetRouterId();
        if (targetWorker.equals(control.id()) && targetRouter.equals(router.id())) {
            throw SluiceException.invalid("target_router_id", "router " + router.id()
                    + " is the producer's own router: consume producer " + producer.id() + " there");
        }
        if (control.peers() == null) {
            throw new SluiceException(SluiceException.Code.UNAVAILABLE, "worker " + control.id()
                    + " has no connection to other workers");
        }
        PipeLinks links = control.pipeLinks();
        String pipeKey = PipeLinks.pipeKey(producer.id(), targetWorker, targetRouter);
        CompletionStage<RouterPipeToRouterResponse> existing = links.pipe(pipeKey);
        if (existing != null) {
            return existing.thenApply(made -> made.toBuilder().setExisting(true).build());
        }
        CompletionStage<RouterPipeToRouterResponse> pipe = call(control, targetWorker, "router.dump",
                RouterDumpRequest.newBuilder().setRouterId(targetRouter).build(), RouterDumpResponse.parser())
                .exceptionallyCompose(failure -> CompletableFuture.failedStage(asTargetRouterError(failure)))
                .thenCompose(dump -> {
                    if (dump.getProducerIdsList().contains(producer.id())) {
                        return CompletableFuture.completedStage(RouterPipeToRouterResponse.newBuilder()
                                .setPipeProducerId(producer.id()).setExisting(true).build());
                    }
                    return pairFor(control, router, request)
                            .thenCompose(pair -> pipeProducer(control, producer, pair, targetWorker));
                });
        links.putPipe(pipeKey, pipe);
        return pipe;
    }

    /** The pipe consumer here, then the producer of the same id there; the consumer is closed if that fails. */
    private static CompletionStage<RouterPipeToRouterResponse> pipeProducer(WorkerControl control, Producer producer,
            PipeLinks.Pair pair, String targetWorker) {
        PipeConsumer consumer;
        try {
            consumer = control.worker().consumePipe(pair.localTransportId(), producer.id(), java.util.Map.of());
        } catch (SluiceException e) {
            return CompletableFuture.failedStage(e);
        }
        PipeTransportProduceRequest produce = PipeTransportProduceRequest.newBuilder()
                .setTransportId(pair.targetTransportId())
                .setProducerId(producer.id())
                .setKind(RtpParametersMapper.toProto(consumer.kind()))
                .setRtpParameters(RtpParametersMapper.toProto(consumer.rtpParameters()))
                .setPaused(consumer.producerPaused())
                .setPipeConsumerId(consumer.id())
                .build();
        return call(control, targetWorker, "pipeTransport.produce", produce, TransportProduceResponse.parser())
                .handle((made, failure) -> {
                    if (failure != null) {
                        closeQuietly(control, consumer.id());
                        closeIfUnused(control, pair);
                        throw new CompletionException(unwrap(failure));
                    }
                    control.pipeLinks().consumerFeeds(consumer.id(), targetWorker,
                            pair.targetRouterId(), made.getProducerId());
                    return RouterPipeToRouterResponse.newBuilder()
                            .setPipeConsumerId(consumer.id())
                            .setPipeProducerId(made.getProducerId())
                            .setLocalTransportId(pair.localTransportId())
                            .setTargetTransportId(pair.targetTransportId())
                            .build();
                });
    }

    private static void closeQuietly(WorkerControl control, String consumerId) {
        try {
            control.worker().closeConsumer(consumerId);
        } catch (SluiceException alreadyClosed) {
            // Its producer or transport closed meanwhile.
        }
    }

    /**
     * Closes the pair when no pipe uses it (it was made for the pipe the target just refused, e.g.
     * for a codec its router lacks): closing this end closes the target's (PipeMirror), so the
     * refusal leaves nothing on either worker. A pair that carries other pipes stays.
     */
    private static void closeIfUnused(WorkerControl control, PipeLinks.Pair pair) {
        try {
            PipeTransport here = control.worker().pipeTransport(pair.localTransportId());
            if (control.worker().consumerIds(here).isEmpty() && control.worker().producerIds(here).isEmpty()) {
                control.worker().closePipeTransport(here.id(), false);
            }
        } catch (SluiceException alreadyClosed) {
            // Its router closed meanwhile, and the pair with it.
        }
    }

    /** The pipe transports between the two routers: made and connected once, then shared. */
    private static CompletionStage<PipeLinks.Pair> pairFor(WorkerControl control, Router router,
            RouterPipeToRouterRequest request) {
        String key = PipeLinks.pairKey(router.id(), request.getTargetWorkerId(), request.getTargetRouterId());
        CompletionStage<PipeLinks.Pair> existing = control.pipeLinks().pair(key);
        if (existing != null) {
            return existing;
        }
        CompletionStage<PipeLinks.Pair> pair = makePair(control, router, request);
        control.pipeLinks().putPair(key, pair);
        return pair;
    }

    /**
     * Both ends made and connected: in memory when the target is another loop of this process
     * (nothing leaves the process, so no SRTP), else over UDP, with SRTP when asked.
     */
    private static CompletionStage<PipeLinks.Pair> makePair(WorkerControl control, Router router,
            RouterPipeToRouterRequest request) {
        String targetWorker = request.getTargetWorkerId();
        boolean inProcess = control.peers().isLocal(targetWorker);
        boolean srtp = request.getEnableSrtp() && !inProcess;
        CompletionStage<PipeTransport> local;
        try {
            local = TransportHandlers.map(inProcess
                    ? control.worker().createInProcessPipeTransport(router, request.getEnableRtx(), null)
                    : control.worker().createPipeTransport(router,
                            ListenInfoMapper.toDomain(TransportListenInfo.getDefaultInstance()),
                            srtp ? io.sluice.worker.srtp.SrtpProfile.AEAD_AES_256_GCM : null,
                            request.getEnableRtx(), null), transport -> transport);
        } catch (SluiceException e) {
            return CompletableFuture.failedStage(e);
        }
        return local.thenCompose(here -> {
            PipeTransportInfo hereInfo = PipeHandlers.info(here);
            RouterCreatePipeTransportRequest.Builder create = RouterCreatePipeTransportRequest.newBuilder()
                    .setRouterId(request.getTargetRouterId())
                    .setEnableSrtp(srtp)
                    .setEnableRtx(request.getEnableRtx())
                    .setInProcess(inProcess)
                    .setPeer(PipePeer.newBuilder().setWorkerId(control.id()).setTransportId(here.id()));
            if (srtp) {
                create.setSrtpCryptoSuite(hereInfo.getSrtpParameters().getCryptoSuite());
            }
            return call(control, targetWorker, "router.createPipeTransport", create.build(),
                    RouterCreatePipeTransportResponse.parser())
                    .thenCompose(created -> {
                        PipeTransportInfo there = created.getTransport();
                        here.linkPeer(new PipeTransport.Peer(targetWorker, there.getId()));
                        if (!inProcess) {
                            control.pipePeerWatch().watch();
                        }
                        PipeTransportConnectRequest.Builder connectHere = connectTo(here.id(), there);
                        try {
                            PipeHandlers.connect(control, connectHere.build());
                        } catch (SluiceException e) {
                            return CompletableFuture.failedStage(e);
                        }
                        PipeTransportConnectRequest.Builder connectThere = connectTo(there.getId(), hereInfo);
                        return call(control, targetWorker, "pipeTransport.connect", connectThere.build(),
                                PipeTransportConnectResponse.parser())
                                .thenApply(connected -> new PipeLinks.Pair(here.id(), request.getTargetRouterId(),
                                        there.getId()));
                    })
                    .whenComplete((made, failure) -> {
                        if (failure != null) {
                            // Closing this end closes the other one once linked (PipeMirror).
                            try {
                                control.worker().closePipeTransport(here.id(), false);
                            } catch (SluiceException alreadyClosed) {
                                // Its router closed meanwhile.
                            }
                        }
                    });
        });
    }

    /** pipeTransport.connect of {@code transportId} to the other end described by {@code other}. */
    private static PipeTransportConnectRequest.Builder connectTo(String transportId, PipeTransportInfo other) {
        PipeTransportConnectRequest.Builder connect = PipeTransportConnectRequest.newBuilder()
                .setTransportId(transportId);
        if (other.getInProcess()) {
            return connect.setInProcessPeerId(other.getId());
        }
        connect.setIp(other.getTuple().getLocalAddress()).setPort(other.getTuple().getLocalPort());
        if (other.hasSrtpParameters()) {
            connect.setSrtpParameters(other.getSrtpParameters());
        }
        return connect;
    }

    private static <R> CompletionStage<R> call(WorkerControl control, String workerId, String entityMethod,
            com.google.protobuf.Message request, com.google.protobuf.Parser<R> parser) {
        return control.peers().call(workerId, entityMethod, request, parser, control.loop());
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    /** The target's NOT_FOUND for its router names the request's target_router_id. */
    private static Throwable asTargetRouterError(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof SluiceException e && e.code() == SluiceException.Code.NOT_FOUND
                && !e.field().equals("target_worker_id")) {
            return new SluiceException(SluiceException.Code.NOT_FOUND, e.getMessage(), "target_router_id");
        }
        return cause;
    }
}
