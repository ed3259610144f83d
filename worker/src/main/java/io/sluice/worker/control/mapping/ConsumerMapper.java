package io.sluice.worker.control.mapping;

import io.sluice.api.v1.ConsumerDumpResponse;
import io.sluice.worker.router.Consumer;
import io.sluice.worker.router.ConsumerDump;
import io.sluice.worker.router.ConsumerLayers;

/** A consumer's layers and dump as the API gives them, and asked layers to the router's record. */
public final class ConsumerMapper {

    private ConsumerMapper() {}

    public static ConsumerLayers toDomain(io.sluice.api.v1.ConsumerLayers layers) {
        return new ConsumerLayers(layers.getSpatialLayer(), layers.hasTemporalLayer() ? layers.getTemporalLayer() : null);
    }

    /** Why a consumer's layers changed, as its "layerschange" event carries it. */
    public static io.sluice.api.v1.ConsumerLayersChanged.Reason toProto(io.sluice.worker.bwe.LayerChangeReason reason) {
        return switch (reason) {
            case BANDWIDTH -> io.sluice.api.v1.ConsumerLayersChanged.Reason.BANDWIDTH;
            case PREFERRED -> io.sluice.api.v1.ConsumerLayersChanged.Reason.PREFERRED;
            case PRODUCER -> io.sluice.api.v1.ConsumerLayersChanged.Reason.PRODUCER;
            case SCORE -> io.sluice.api.v1.ConsumerLayersChanged.Reason.SCORE;
        };
    }

    public static io.sluice.api.v1.ConsumerLayers toProto(ConsumerLayers layers) {
        io.sluice.api.v1.ConsumerLayers.Builder proto = io.sluice.api.v1.ConsumerLayers.newBuilder()
                .setSpatialLayer(layers.spatialLayer());
        if (layers.hasTemporalLayer()) {
            proto.setTemporalLayer(layers.temporalLayer());
        }
        return proto.build();
    }

    /** consumer.dump: the dump record, with the consumer's parameters and app data. */
    public static ConsumerDumpResponse toProto(ConsumerDump dump, Consumer consumer) {
        ConsumerDumpResponse.Builder proto = ConsumerDumpResponse.newBuilder()
                .setConsumerId(dump.consumerId())
                .setProducerId(dump.producerId())
                .setTransportId(dump.transportId())
                .setKind(RtpParametersMapper.toProto(consumer.kind()))
                .setRtpParameters(RtpParametersMapper.toProto(consumer.rtpParameters()))
                .setType(dump.type())
                .setPaused(dump.paused())
                .setProducerPaused(dump.producerPaused())
                .setAppData(AppDataMapper.toProto(consumer.appData()))
                .setPriority(dump.priority());
        if (dump.preferredLayers() != null) {
            proto.setPreferredLayers(toProto(dump.preferredLayers()));
        }
        if (dump.targetLayers() != null) {
            proto.setTargetLayers(toProto(dump.targetLayers()));
        }
        if (dump.currentLayers() != null) {
            proto.setCurrentLayers(toProto(dump.currentLayers()));
        }
        return proto.build();
    }
}
