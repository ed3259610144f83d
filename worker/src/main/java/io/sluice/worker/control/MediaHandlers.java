package io.sluice.worker.control;

import io.sluice.api.v1.ConsumerCloseRequest;
import io.sluice.api.v1.ConsumerCloseResponse;
import io.sluice.api.v1.ConsumerDumpRequest;
import io.sluice.api.v1.ConsumerDumpResponse;
import io.sluice.api.v1.ConsumerGetStatsRequest;
import io.sluice.api.v1.ConsumerGetStatsResponse;
import io.sluice.api.v1.ConsumerPauseRequest;
import io.sluice.api.v1.ConsumerPauseResponse;
import io.sluice.api.v1.ConsumerRequestKeyFrameRequest;
import io.sluice.api.v1.ConsumerRequestKeyFrameResponse;
import io.sluice.api.v1.ConsumerSetPreferredLayersRequest;
import io.sluice.api.v1.ConsumerSetPreferredLayersResponse;
import io.sluice.api.v1.ConsumerSetPriorityRequest;
import io.sluice.api.v1.ConsumerSetPriorityResponse;
import io.sluice.api.v1.ConsumerResumeRequest;
import io.sluice.api.v1.ConsumerResumeResponse;
import io.sluice.api.v1.PlainTransportCloseRequest;
import io.sluice.api.v1.PlainTransportCloseResponse;
import io.sluice.api.v1.PlainTransportConnectRequest;
import io.sluice.api.v1.PlainTransportConnectResponse;
import io.sluice.api.v1.PlainTransportDumpRequest;
import io.sluice.api.v1.PlainTransportDumpResponse;
import io.sluice.api.v1.ProducerCloseRequest;
import io.sluice.api.v1.ProducerCloseResponse;
import io.sluice.api.v1.ProducerDumpRequest;
import io.sluice.api.v1.ProducerDumpResponse;
import io.sluice.api.v1.ProducerGetStatsRequest;
import io.sluice.api.v1.ProducerGetStatsResponse;
import io.sluice.api.v1.ProducerPauseRequest;
import io.sluice.api.v1.ProducerPauseResponse;
import io.sluice.api.v1.ProducerResumeRequest;
import io.sluice.api.v1.ProducerResumeResponse;
import io.sluice.api.v1.RouterCanConsumeRequest;
import io.sluice.api.v1.RouterCanConsumeResponse;
import io.sluice.api.v1.RouterCreatePlainTransportRequest;
import io.sluice.api.v1.RouterCreatePlainTransportResponse;
import io.sluice.api.v1.TransportConsumeRequest;
import io.sluice.api.v1.TransportConsumeResponse;
import io.sluice.api.v1.TransportProduceRequest;
import io.sluice.api.v1.TransportProduceResponse;
import io.sluice.worker.control.mapping.AppDataMapper;
import io.sluice.worker.control.mapping.ConsumerMapper;
import io.sluice.worker.control.mapping.PlainTransportMapper;
import io.sluice.worker.control.mapping.ProducerMapper;
import io.sluice.worker.control.mapping.RtpParametersMapper;
import io.sluice.worker.control.mapping.StatsMapper;
import io.sluice.worker.router.SluiceException;
import io.sluice.worker.router.PlainTransport;
import io.sluice.worker.router.Producer;
import io.sluice.worker.router.Consumer;
import io.sluice.worker.router.LayeredConsumer;
import java.util.concurrent.CompletionStage;

/**
 * Handlers of router.createPlainTransport, router.canConsume, plainTransport.*, transport.produce,
 * transport.consume, producer.* and consumer.*; on the worker's loop.
 */
final class MediaHandlers {

    private MediaHandlers() {}

    static CompletionStage<RouterCreatePlainTransportResponse> createPlainTransport(WorkerControl worker,
            RouterCreatePlainTransportRequest request) throws SluiceException {
        return TransportHandlers.map(worker.worker().createPlainTransport(worker.worker().router(request.getRouterId()),
                PlainTransportMapper.toDomain(request)), transport -> RouterCreatePlainTransportResponse.newBuilder()
                        .setTransport(PlainTransportMapper.info(transport)).build());
    }

    static PlainTransportConnectResponse connectPlainTransport(WorkerControl worker, PlainTransportConnectRequest request)
            throws SluiceException {
        PlainTransport transport = worker.worker().plainTransport(request.getTransportId());
        // The peer's key matters, and its suite is read, only when the transport has SRTP on.
        transport.connect(request.getIp(), request.getPort(), request.getRtcpPort(),
                transport.localSrtpKey() != null && request.hasSrtpParameters()
                        ? PlainTransportMapper.toDomain(request.getSrtpParameters(), "srtp_parameters") : null);
        return PlainTransportConnectResponse.newBuilder().setTransport(PlainTransportMapper.info(transport)).build();
    }

    static PlainTransportCloseResponse closePlainTransport(WorkerControl worker, PlainTransportCloseRequest request)
            throws SluiceException {
        worker.worker().closePlainTransport(request.getTransportId());
        return PlainTransportCloseResponse.getDefaultInstance();
    }

    static PlainTransportDumpResponse dumpPlainTransport(WorkerControl worker, PlainTransportDumpRequest request)
            throws SluiceException {
        PlainTransport transport = worker.worker().plainTransport(request.getTransportId());
        return PlainTransportMapper.dump(transport, worker.worker().producerIds(transport),
                worker.worker().consumerIds(transport));
    }

    static TransportProduceResponse produce(WorkerControl worker, TransportProduceRequest request) throws SluiceException {
        Producer producer = worker.worker().produce(request.getTransportId(), RtpParametersMapper.toDomain(request.getKind()),
                RtpParametersMapper.toDomain(request.getRtpParameters()), request.getPaused(),
                AppDataMapper.toDomain(request.getAppData()));
        return TransportProduceResponse.newBuilder().setProducerId(producer.id()).setType(producer.type().apiName())
                .build();
    }

    static TransportConsumeResponse consume(WorkerControl worker, TransportConsumeRequest request) throws SluiceException {
        Consumer consumer = worker.worker().consume(request.getTransportId(), request.getProducerId(),
                request.hasRtpCapabilities() ? RtpParametersMapper.toDomain(request.getRtpCapabilities()) : null,
                request.hasPreferredLayers() ? ConsumerMapper.toDomain(request.getPreferredLayers()) : null, request.getPaused(),
                AppDataMapper.toDomain(request.getAppData()));
        TransportConsumeResponse.Builder response = TransportConsumeResponse.newBuilder()
                .setConsumerId(consumer.id())
                .setProducerId(request.getProducerId())
                .setKind(RtpParametersMapper.toProto(consumer.kind()))
                .setRtpParameters(RtpParametersMapper.toProto(consumer.rtpParameters()))
                .setProducerPaused(consumer.producerPaused())
                .setType(consumer.type())
                .setScore(StatsMapper.toProto(consumer.score()));
        if (consumer instanceof LayeredConsumer layered) {
            response.setPreferredLayers(ConsumerMapper.toProto(layered.preferredLayers()));
        }
        return response.build();
    }

    static RouterCanConsumeResponse canConsume(WorkerControl worker, RouterCanConsumeRequest request) throws SluiceException {
        boolean can = worker.worker().canConsume(worker.worker().router(request.getRouterId()), request.getProducerId(),
                RtpParametersMapper.toDomain(request.getRtpCapabilities()));
        return RouterCanConsumeResponse.newBuilder().setCanConsume(can).build();
    }

    static ProducerPauseResponse pauseProducer(WorkerControl worker, ProducerPauseRequest request) throws SluiceException {
        worker.worker().producer(request.getProducerId()).pause();
        return ProducerPauseResponse.getDefaultInstance();
    }

    static ProducerResumeResponse resumeProducer(WorkerControl worker, ProducerResumeRequest request) throws SluiceException {
        worker.worker().producer(request.getProducerId()).resume();
        return ProducerResumeResponse.getDefaultInstance();
    }

    static ProducerCloseResponse closeProducer(WorkerControl worker, ProducerCloseRequest request) throws SluiceException {
        worker.worker().closeProducer(request.getProducerId());
        return ProducerCloseResponse.getDefaultInstance();
    }

    static ProducerDumpResponse dumpProducer(WorkerControl worker, ProducerDumpRequest request) throws SluiceException {
        Producer producer = worker.worker().producer(request.getProducerId());
        return ProducerMapper.toProto(worker.worker().dumpProducer(request.getProducerId()), producer);
    }

    static ProducerGetStatsResponse producerStats(WorkerControl worker, ProducerGetStatsRequest request)
            throws SluiceException {
        return ProducerGetStatsResponse.newBuilder()
                .setStats(StatsMapper.toProto(worker.worker().producerStats(request.getProducerId(),
                        worker.clock().epochMillis())))
                .build();
    }

    static ConsumerPauseResponse pauseConsumer(WorkerControl worker, ConsumerPauseRequest request) throws SluiceException {
        worker.worker().consumer(request.getConsumerId()).pause();
        return ConsumerPauseResponse.getDefaultInstance();
    }

    static ConsumerResumeResponse resumeConsumer(WorkerControl worker, ConsumerResumeRequest request) throws SluiceException {
        worker.worker().consumer(request.getConsumerId()).resume();
        return ConsumerResumeResponse.getDefaultInstance();
    }

    static ConsumerCloseResponse closeConsumer(WorkerControl worker, ConsumerCloseRequest request) throws SluiceException {
        worker.worker().closeConsumer(request.getConsumerId());
        return ConsumerCloseResponse.getDefaultInstance();
    }

    static ConsumerRequestKeyFrameResponse requestKeyFrame(WorkerControl worker, ConsumerRequestKeyFrameRequest request)
            throws SluiceException {
        worker.worker().consumer(request.getConsumerId()).requestKeyFrame();
        return ConsumerRequestKeyFrameResponse.getDefaultInstance();
    }

    /** consumer.setPriority: 1 to 255 (mediasoup's range). */
    static ConsumerSetPriorityResponse setConsumerPriority(WorkerControl worker, ConsumerSetPriorityRequest request)
            throws SluiceException {
        int priority = request.getPriority();
        if (priority < Consumer.MIN_PRIORITY || priority > Consumer.MAX_PRIORITY) {
            throw SluiceException.invalid("priority", "must be within " + Consumer.MIN_PRIORITY + " and "
                    + Consumer.MAX_PRIORITY + ", got " + Integer.toUnsignedString(priority));
        }
        Consumer consumer = worker.worker().consumer(request.getConsumerId());
        consumer.setPriority(priority);
        return ConsumerSetPriorityResponse.newBuilder().setPriority(consumer.priority()).build();
    }

    static ConsumerSetPreferredLayersResponse setPreferredLayers(WorkerControl worker,
            ConsumerSetPreferredLayersRequest request) throws SluiceException {
        return ConsumerSetPreferredLayersResponse.newBuilder()
                .setPreferredLayers(ConsumerMapper.toProto(worker.worker().setPreferredLayers(
                        request.getConsumerId(), ConsumerMapper.toDomain(request.getPreferredLayers()))))
                .build();
    }

    static ConsumerDumpResponse dumpConsumer(WorkerControl worker, ConsumerDumpRequest request) throws SluiceException {
        Consumer consumer = worker.worker().consumer(request.getConsumerId());
        return ConsumerMapper.toProto(worker.worker().dumpConsumer(request.getConsumerId()), consumer);
    }

    static ConsumerGetStatsResponse consumerStats(WorkerControl worker, ConsumerGetStatsRequest request)
            throws SluiceException {
        return ConsumerGetStatsResponse.newBuilder()
                .setStats(StatsMapper.toProto(worker.worker().consumerStats(request.getConsumerId(),
                        worker.clock().epochMillis())))
                .build();
    }
}
