package io.sluice.worker.control;

import io.sluice.api.v1.DataConsumerCloseRequest;
import io.sluice.api.v1.DataConsumerDumpRequest;
import io.sluice.api.v1.DataConsumerGetStatsRequest;
import io.sluice.api.v1.DataConsumerPauseRequest;
import io.sluice.api.v1.DataConsumerResumeRequest;
import io.sluice.api.v1.DataConsumerSetBufferedAmountLowThresholdRequest;
import io.sluice.api.v1.DataProducerCloseRequest;
import io.sluice.api.v1.DataProducerDumpRequest;
import io.sluice.api.v1.DataProducerGetStatsRequest;
import io.sluice.api.v1.DataProducerPauseRequest;
import io.sluice.api.v1.DataProducerResumeRequest;
import io.sluice.api.v1.DataProducerSendRequest;
import io.sluice.api.v1.RouterCreateDirectTransportRequest;
import io.sluice.worker.router.DirectTransport;
import io.sluice.api.v1.TransportConsumeDataRequest;
import io.sluice.api.v1.TransportProduceDataRequest;
import java.util.List;

/** The method table's lines for data producers and data consumers (see {@link ControlMethods}). */
final class DataMethods {

    /** dataProducer.send's fields around its payload: the id and the ppid, with their tags and lengths. */
    private static final int SEND_ENVELOPE_BYTES = 1024;

    private DataMethods() {}

    static List<ControlMethod<?, ?>> all() {
        return List.of(
                ControlMethod.creating("transport", "produceData", TransportProduceDataRequest.getDefaultInstance(),
                        DataHandlers::produceData).require("transport_id"),
                ControlMethod.creating("transport", "consumeData", TransportConsumeDataRequest.getDefaultInstance(),
                        DataHandlers::consumeData).require("transport_id", "data_producer_id"),
                ControlMethod.of("dataProducer", "close", DataProducerCloseRequest.getDefaultInstance(),
                        DataHandlers::closeDataProducer).require("data_producer_id"),
                ControlMethod.of("dataProducer", "pause", DataProducerPauseRequest.getDefaultInstance(),
                        DataHandlers::pauseDataProducer).require("data_producer_id"),
                ControlMethod.of("dataProducer", "resume", DataProducerResumeRequest.getDefaultInstance(),
                        DataHandlers::resumeDataProducer).require("data_producer_id"),
                ControlMethod.of("dataProducer", "dump", DataProducerDumpRequest.getDefaultInstance(),
                        DataHandlers::dumpDataProducer).require("data_producer_id"),
                ControlMethod.of("dataProducer", "getStats", DataProducerGetStatsRequest.getDefaultInstance(),
                        DataHandlers::dataProducerStats).require("data_producer_id"),
                ControlMethod.of("dataConsumer", "close", DataConsumerCloseRequest.getDefaultInstance(),
                        DataHandlers::closeDataConsumer).require("data_consumer_id"),
                ControlMethod.of("dataConsumer", "pause", DataConsumerPauseRequest.getDefaultInstance(),
                        DataHandlers::pauseDataConsumer).require("data_consumer_id"),
                ControlMethod.of("dataConsumer", "resume", DataConsumerResumeRequest.getDefaultInstance(),
                        DataHandlers::resumeDataConsumer).require("data_consumer_id"),
                ControlMethod.of("dataConsumer", "dump", DataConsumerDumpRequest.getDefaultInstance(),
                        DataHandlers::dumpDataConsumer).require("data_consumer_id"),
                ControlMethod.of("dataConsumer", "getStats", DataConsumerGetStatsRequest.getDefaultInstance(),
                        DataHandlers::dataConsumerStats).require("data_consumer_id"),
                ControlMethod.of("dataConsumer", "setBufferedAmountLowThreshold",
                        DataConsumerSetBufferedAmountLowThresholdRequest.getDefaultInstance(),
                        DataHandlers::setBufferedAmountLowThreshold).require("data_consumer_id"),
                ControlMethod.creating("router", "createDirectTransport",
                        RouterCreateDirectTransportRequest.getDefaultInstance(), DataHandlers::createDirectTransport)
                        .require("router_id"),
                ControlMethod.of("dataProducer", "send", DataProducerSendRequest.getDefaultInstance(),
                        DataHandlers::send).require("data_producer_id")
                        .allowingRequestsUpTo(DirectTransport.MAX_MESSAGE_SIZE + SEND_ENVELOPE_BYTES));
    }
}
