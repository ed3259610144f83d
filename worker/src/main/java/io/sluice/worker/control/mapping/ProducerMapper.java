package io.sluice.worker.control.mapping;

import io.sluice.api.v1.ProducerDumpResponse;
import io.sluice.api.v1.ProducerStreamInfo;
import io.sluice.worker.router.Producer;
import io.sluice.worker.router.ProducerDump;

/** A producer's dump as the API's producer.dump reply. */
public final class ProducerMapper {

    private ProducerMapper() {}

    /** The dump record, with the producer's parameters and app data. */
    public static ProducerDumpResponse toProto(ProducerDump dump, Producer producer) {
        ProducerDumpResponse.Builder proto = ProducerDumpResponse.newBuilder()
                .setProducerId(dump.producerId())
                .setTransportId(dump.transportId())
                .setKind(RtpParametersMapper.toProto(producer.kind()))
                .setRtpParameters(RtpParametersMapper.toProto(producer.rtpParameters()))
                .setConsumableRtpParameters(RtpParametersMapper.toProto(producer.consumableRtpParameters()))
                .setPaused(dump.paused())
                .addAllConsumerIds(dump.consumerIds())
                .setAppData(AppDataMapper.toProto(producer.appData()))
                .setType(dump.type());
        for (ProducerDump.Stream stream : dump.streams()) {
            ProducerStreamInfo.Builder info = ProducerStreamInfo.newBuilder()
                    .setRid(stream.rid())
                    .setMappedSsrc((int) stream.mappedSsrc());
            if (stream.ssrc() >= 0) {
                info.setSsrc((int) stream.ssrc());
            }
            proto.addStreams(info);
        }
        return proto.build();
    }
}
