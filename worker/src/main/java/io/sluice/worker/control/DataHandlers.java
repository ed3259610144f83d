package io.sluice.worker.control;

import io.sluice.api.v1.DataConsumerCloseRequest;
import io.sluice.api.v1.DataConsumerCloseResponse;
import io.sluice.api.v1.DataConsumerDumpRequest;
import io.sluice.api.v1.DataConsumerDumpResponse;
import io.sluice.api.v1.DataConsumerGetStatsRequest;
import io.sluice.api.v1.DataConsumerGetStatsResponse;
import io.sluice.api.v1.DataConsumerPauseRequest;
import io.sluice.api.v1.DataConsumerPauseResponse;
import io.sluice.api.v1.DataConsumerResumeRequest;
import io.sluice.api.v1.DataConsumerResumeResponse;
import io.sluice.api.v1.DataConsumerSetBufferedAmountLowThresholdRequest;
import io.sluice.api.v1.DataConsumerSetBufferedAmountLowThresholdResponse;
import io.sluice.api.v1.DataProducerCloseRequest;
import io.sluice.api.v1.DataProducerCloseResponse;
import io.sluice.api.v1.DataProducerDumpRequest;
import io.sluice.api.v1.DataProducerDumpResponse;
import io.sluice.api.v1.DataProducerGetStatsRequest;
import io.sluice.api.v1.DataProducerGetStatsResponse;
import io.sluice.api.v1.DataProducerPauseRequest;
import io.sluice.api.v1.DataProducerPauseResponse;
import io.sluice.api.v1.DataProducerResumeRequest;
import io.sluice.api.v1.DataProducerResumeResponse;
import io.sluice.api.v1.DataProducerSendRequest;
import io.sluice.api.v1.DataProducerSendResponse;
import io.sluice.api.v1.RouterCreateDirectTransportRequest;
import io.sluice.api.v1.RouterCreateDirectTransportResponse;
import io.sluice.api.v1.TransportConsumeDataRequest;
import io.sluice.api.v1.TransportConsumeDataResponse;
import io.sluice.api.v1.TransportProduceDataRequest;
import io.sluice.api.v1.TransportProduceDataResponse;
import io.sluice.worker.control.mapping.AppDataMapper;
import io.sluice.worker.control.mapping.DataMapper;
import io.sluice.worker.router.DataConsumer;
import io.sluice.worker.router.DataProducer;
import io.sluice.worker.router.DirectTransport;
import io.sluice.worker.sctp.DataChannelPpid;
import io.sluice.worker.router.SctpStreamParameters;
import io.sluice.worker.router.SluiceException;
import io.sluice.worker.router.WebRtcTransport;
import io.sluice.worker.router.WorkerData;

/**
 * Handlers of router.createDirectTransport, transport.produceData, transport.consumeData, dataProducer.* and
 * dataConsumer.*; on the worker's loop.
 */
final class DataHandlers {

    private DataHandlers() {}

    private static WorkerData data(WorkerControl worker) {
        return worker.worker().data();
    }

    static TransportProduceDataResponse produceData(WorkerControl worker, TransportProduceDataRequest request)
            throws SluiceException {
        DataProducer producer;
        if (data(worker).isDirectTransport(request.getTransportId())) {
            if (request.hasSctpStreamParameters()) {
                throw SluiceException.invalid("sctp_stream_parameters", "a direct transport has no SCTP streams");
            }
            producer = data(worker).produceData(data(worker).directTransport(request.getTransportId()),
                    request.getLabel(), request.getProtocol(), request.getPaused(),
                    AppDataMapper.toDomain(request.getAppData()));
        } else {
            WebRtcTransport transport = worker.worker().webRtcTransport(request.getTransportId());
            if (!request.hasSctpStreamParameters()) {
                throw SluiceException.invalid("sctp_stream_parameters", "sctp_stream_parameters is required");
            }
            SctpStreamParameters stream = DataMapper.toDomain(request.getSctpStreamParameters(),
                    "sctp_stream_parameters");
            producer = data(worker).produceData(transport, stream, request.getLabel(), request.getProtocol(), request.getPaused(),
                    AppDataMapper.toDomain(request.getAppData()));
        }
        return TransportProduceDataResponse.newBuilder().setDataProducer(DataMapper.toProto(producer)).build();
    }

    static TransportConsumeDataResponse consumeData(WorkerControl worker, TransportConsumeDataRequest request)
            throws SluiceException {
        boolean overridden = request.hasOrdered() || request.hasMaxPacketLifeTime() || request.hasMaxRetransmits();
        if (data(worker).isDirectTransport(request.getTransportId())) {
            if (overridden) {
                throw SluiceException.invalid(request.hasOrdered() ? "ordered" : request.hasMaxRetransmits()
                        ? "max_retransmits" : "max_packet_life_time", "a direct transport has no SCTP streams");
            }
            DataConsumer consumer = data(worker).consumeData(data(worker).directTransport(request.getTransportId()),
                    request.getDataProducerId(), request.getPaused(), AppDataMapper.toDomain(request.getAppData()));
            return TransportConsumeDataResponse.newBuilder().setDataConsumer(DataMapper.toProto(consumer)).build();
        }
        return consumeOverSctp(worker, request, overridden);
    }

    private static TransportConsumeDataResponse consumeOverSctp(WorkerControl worker,
            TransportConsumeDataRequest request, boolean overridden) throws SluiceException {
        SctpStreamParameters stream = overridden ? DataMapper.withLimits(0,
                request.hasOrdered() ? request.getOrdered() : null,
                request.hasMaxPacketLifeTime() ? request.getMaxPacketLifeTime() : null,
                request.hasMaxRetransmits() ? request.getMaxRetransmits() : null, "max_retransmits") : null;
        DataConsumer consumer = data(worker).consumeData(worker.worker().webRtcTransport(request.getTransportId()),
                request.getDataProducerId(), stream, request.getPaused(), AppDataMapper.toDomain(request.getAppData()));
        return TransportConsumeDataResponse.newBuilder().setDataConsumer(DataMapper.toProto(consumer)).build();
    }

    static RouterCreateDirectTransportResponse createDirectTransport(WorkerControl worker,
            RouterCreateDirectTransportRequest request) throws SluiceException {
        DirectTransport transport = data(worker).createDirectTransport(worker.worker().router(request.getRouterId()),
                request.hasMaxMessageSize() ? request.getMaxMessageSize() : DirectTransport.MAX_MESSAGE_SIZE,
                AppDataMapper.toDomain(request.getAppData()));
        return RouterCreateDirectTransportResponse.newBuilder().setTransport(DataMapper.toProto(transport)).build();
    }

    static DataProducerSendResponse send(WorkerControl worker, DataProducerSendRequest request)
            throws SluiceException {
        long ppid = request.getPpid() == 0 ? DataChannelPpid.BINARY : Integer.toUnsignedLong(request.getPpid());
        data(worker).send(data(worker).dataProducer(request.getDataProducerId()), ppid,
                request.getPayload().toByteArray());
        return DataProducerSendResponse.getDefaultInstance();
    }

    static DataProducerCloseResponse closeDataProducer(WorkerControl worker, DataProducerCloseRequest request)
            throws SluiceException {
        data(worker).closeDataProducer(request.getDataProducerId());
        return DataProducerCloseResponse.getDefaultInstance();
    }

    static DataProducerPauseResponse pauseDataProducer(WorkerControl worker, DataProducerPauseRequest request)
            throws SluiceException {
        data(worker).pause(data(worker).dataProducer(request.getDataProducerId()));
        return DataProducerPauseResponse.getDefaultInstance();
    }

    static DataProducerResumeResponse resumeDataProducer(WorkerControl worker, DataProducerResumeRequest request)
            throws SluiceException {
        data(worker).resume(data(worker).dataProducer(request.getDataProducerId()));
        return DataProducerResumeResponse.getDefaultInstance();
    }

    static DataProducerDumpResponse dumpDataProducer(WorkerControl worker, DataProducerDumpRequest request)
            throws SluiceException {
        DataProducer producer = data(worker).dataProducer(request.getDataProducerId());
        return DataProducerDumpResponse.newBuilder()
                .setDataProducer(DataMapper.toProto(producer))
                .addAllDataConsumerIds(data(worker).consumersOf(producer).stream().map(DataConsumer::id).toList())
                .build();
    }

    static DataProducerGetStatsResponse dataProducerStats(WorkerControl worker, DataProducerGetStatsRequest request)
            throws SluiceException {
        DataProducer producer = data(worker).dataProducer(request.getDataProducerId());
        return DataProducerGetStatsResponse.newBuilder()
                .setStats(DataMapper.stats(producer, worker.clock().epochMillis())).build();
    }

    static DataConsumerCloseResponse closeDataConsumer(WorkerControl worker, DataConsumerCloseRequest request)
            throws SluiceException {
        data(worker).closeDataConsumer(request.getDataConsumerId());
        return DataConsumerCloseResponse.getDefaultInstance();
    }

    static DataConsumerPauseResponse pauseDataConsumer(WorkerControl worker, DataConsumerPauseRequest request)
            throws SluiceException {
        data(worker).pause(data(worker).dataConsumer(request.getDataConsumerId()));
        return DataConsumerPauseResponse.getDefaultInstance();
    }

    static DataConsumerResumeResponse resumeDataConsumer(WorkerControl worker, DataConsumerResumeRequest request)
            throws SluiceException {
        data(worker).resume(data(worker).dataConsumer(request.getDataConsumerId()));
        return DataConsumerResumeResponse.getDefaultInstance();
    }

    static DataConsumerDumpResponse dumpDataConsumer(WorkerControl worker, DataConsumerDumpRequest request)
            throws SluiceException {
        return DataConsumerDumpResponse.newBuilder()
                .setDataConsumer(DataMapper.toProto(data(worker).dataConsumer(request.getDataConsumerId()))).build();
    }

    static DataConsumerGetStatsResponse dataConsumerStats(WorkerControl worker, DataConsumerGetStatsRequest request)
            throws SluiceException {
        DataConsumer consumer = data(worker).dataConsumer(request.getDataConsumerId());
        return DataConsumerGetStatsResponse.newBuilder()
                .setStats(DataMapper.stats(consumer, worker.clock().epochMillis())).build();
    }

    static DataConsumerSetBufferedAmountLowThresholdResponse setBufferedAmountLowThreshold(WorkerControl worker,
            DataConsumerSetBufferedAmountLowThresholdRequest request) throws SluiceException {
        data(worker).setBufferedAmountLowThreshold(data(worker).dataConsumer(request.getDataConsumerId()),
                Integer.toUnsignedLong(request.getThreshold()));
        return DataConsumerSetBufferedAmountLowThresholdResponse.getDefaultInstance();
    }
}
