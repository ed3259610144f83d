package io.sluice.worker.control.mapping;

import io.sluice.api.v1.RouterDumpResponse;
import io.sluice.worker.router.RouterDump;

/** A router's dump as the API's router.dump reply. */
public final class RouterMapper {

    private RouterMapper() {}

    public static RouterDumpResponse toProto(RouterDump dump) {
        return RouterDumpResponse.newBuilder()
                .setRouterId(dump.routerId())
                .setRoomId(dump.roomId())
                .setRtpCapabilities(RtpParametersMapper.toProto(dump.rtpCapabilities()))
                .setAppData(AppDataMapper.toProto(dump.appData()))
                .addAllTransportIds(dump.transportIds())
                .addAllProducerIds(dump.producerIds())
                .addAllConsumerIds(dump.consumerIds())
                .addAllRtpObserverIds(dump.rtpObserverIds())
                .build();
    }
}
