package io.sluice.worker.control;

import io.sluice.api.v1.ConsumerCloseRequest;
import io.sluice.api.v1.ConsumerDumpRequest;
import io.sluice.api.v1.ConsumerGetStatsRequest;
import io.sluice.api.v1.ConsumerPauseRequest;
import io.sluice.api.v1.ConsumerRequestKeyFrameRequest;
import io.sluice.api.v1.ConsumerSetPreferredLayersRequest;
import io.sluice.api.v1.ConsumerSetPriorityRequest;
import io.sluice.api.v1.ConsumerResumeRequest;
import io.sluice.api.v1.PlainTransportCloseRequest;
import io.sluice.api.v1.PlainTransportConnectRequest;
import io.sluice.api.v1.PlainTransportDumpRequest;
import io.sluice.api.v1.ProducerCloseRequest;
import io.sluice.api.v1.ProducerDumpRequest;
import io.sluice.api.v1.ProducerGetStatsRequest;
import io.sluice.api.v1.ProducerPauseRequest;
import io.sluice.api.v1.ProducerResumeRequest;
import io.sluice.api.v1.RouterCanConsumeRequest;
import io.sluice.api.v1.RouterCreatePlainTransportRequest;
import io.sluice.api.v1.TransportConsumeRequest;
import io.sluice.api.v1.TransportProduceRequest;
import java.util.List;

/** The method table's lines for plain transports, producers and consumers (see {@link ControlMethods}). */
final class MediaMethods {

    private MediaMethods() {}

    static List<ControlMethod<?, ?>> all() {
        return List.of(
                ControlMethod.creatingAsync("router", "createPlainTransport",
                        RouterCreatePlainTransportRequest.getDefaultInstance(),
                        MediaHandlers::createPlainTransport).require("router_id"),
                ControlMethod.of("plainTransport", "connect", PlainTransportConnectRequest.getDefaultInstance(),
                        MediaHandlers::connectPlainTransport).require("transport_id"),
                ControlMethod.of("plainTransport", "close", PlainTransportCloseRequest.getDefaultInstance(),
                        MediaHandlers::closePlainTransport).require("transport_id"),
                ControlMethod.of("plainTransport", "dump", PlainTransportDumpRequest.getDefaultInstance(),
                        MediaHandlers::dumpPlainTransport).require("transport_id"),
                ControlMethod.creating("transport", "produce", TransportProduceRequest.getDefaultInstance(),
                        MediaHandlers::produce).require("transport_id", "kind", "rtp_parameters"),
                ControlMethod.creating("transport", "consume", TransportConsumeRequest.getDefaultInstance(),
                        MediaHandlers::consume).require("transport_id", "producer_id", "rtp_capabilities"),
                ControlMethod.of("router", "canConsume", RouterCanConsumeRequest.getDefaultInstance(),
                        MediaHandlers::canConsume).require("router_id", "producer_id", "rtp_capabilities"),
                ControlMethod.of("producer", "pause", ProducerPauseRequest.getDefaultInstance(),
                        MediaHandlers::pauseProducer).require("producer_id"),
                ControlMethod.of("producer", "resume", ProducerResumeRequest.getDefaultInstance(),
                        MediaHandlers::resumeProducer).require("producer_id"),
                ControlMethod.of("producer", "close", ProducerCloseRequest.getDefaultInstance(),
                        MediaHandlers::closeProducer).require("producer_id"),
                ControlMethod.of("producer", "dump", ProducerDumpRequest.getDefaultInstance(),
                        MediaHandlers::dumpProducer).require("producer_id"),
                ControlMethod.of("producer", "getStats", ProducerGetStatsRequest.getDefaultInstance(),
                        MediaHandlers::producerStats).require("producer_id"),
                ControlMethod.of("consumer", "pause", ConsumerPauseRequest.getDefaultInstance(),
                        MediaHandlers::pauseConsumer).require("consumer_id"),
                ControlMethod.of("consumer", "resume", ConsumerResumeRequest.getDefaultInstance(),
                        MediaHandlers::resumeConsumer).require("consumer_id"),
                ControlMethod.of("consumer", "close", ConsumerCloseRequest.getDefaultInstance(),
                        MediaHandlers::closeConsumer).require("consumer_id"),
                ControlMethod.of("consumer", "requestKeyFrame", ConsumerRequestKeyFrameRequest.getDefaultInstance(),
                        MediaHandlers::requestKeyFrame).require("consumer_id"),
                ControlMethod.of("consumer", "setPriority", ConsumerSetPriorityRequest.getDefaultInstance(),
                        MediaHandlers::setConsumerPriority).require("consumer_id"),
                ControlMethod.of("consumer", "setPreferredLayers",
                        ConsumerSetPreferredLayersRequest.getDefaultInstance(), MediaHandlers::setPreferredLayers)
                        .require("consumer_id", "preferred_layers"),
                ControlMethod.of("consumer", "dump", ConsumerDumpRequest.getDefaultInstance(),
                        MediaHandlers::dumpConsumer).require("consumer_id"),
                ControlMethod.of("consumer", "getStats", ConsumerGetStatsRequest.getDefaultInstance(),
                        MediaHandlers::consumerStats).require("consumer_id"));
    }
}
