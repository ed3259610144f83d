package io.sluice.worker.control.mapping;

import io.sluice.api.v1.DataConsumerInfo;
import io.sluice.api.v1.DataConsumerStats;
import io.sluice.api.v1.DataProducerInfo;
import io.sluice.api.v1.DataProducerStats;
import io.sluice.worker.router.DataConsumer;
import io.sluice.worker.router.DataProducer;
import io.sluice.worker.router.DirectTransport;
import io.sluice.api.v1.DirectTransportInfo;
import io.sluice.worker.router.SctpStreamParameters;
import io.sluice.worker.router.SluiceException;

/** Data producers and data consumers as the API shows them, and the API's SCTP stream parameters in. */
public final class DataMapper {

    private DataMapper() {}

    /** The request's stream parameters, with mediasoup's defaults: ordered unless a limit is given. */
    public static SctpStreamParameters toDomain(io.sluice.api.v1.SctpStreamParameters given, String field)
            throws SluiceException {
        long streamId = Integer.toUnsignedLong(given.getStreamId());
        if (streamId > 65534) {
            throw SluiceException.invalid(field + ".stream_id", "must be 0..65534, got " + streamId);
        }
        return withLimits((int) streamId, given.hasOrdered() ? given.getOrdered() : null,
                given.hasMaxPacketLifeTime() ? given.getMaxPacketLifeTime() : null,
                given.hasMaxRetransmits() ? given.getMaxRetransmits() : null, field);
    }

    /** {@code ordered}, {@code maxPacketLifeTime} and {@code maxRetransmits} null when not given. */
    public static SctpStreamParameters withLimits(int streamId, Boolean ordered, Integer maxPacketLifeTime,
            Integer maxRetransmits, String field) throws SluiceException {
        if (maxPacketLifeTime != null && maxRetransmits != null) {
            throw SluiceException.invalid(field, "max_packet_life_time and max_retransmits exclude each other");
        }
        int lifetime = limit(maxPacketLifeTime, field + ".max_packet_life_time");
        int retransmits = limit(maxRetransmits, field + ".max_retransmits");
        boolean limited = lifetime >= 0 || retransmits >= 0;
        return new SctpStreamParameters(streamId, ordered != null ? ordered : !limited, lifetime, retransmits);
    }

    private static int limit(Integer given, String field) throws SluiceException {
        if (given == null) {
            return -1;
        }
        long value = Integer.toUnsignedLong(given);
        if (value > 65535) {
            throw SluiceException.invalid(field, "must be 0..65535, got " + value);
        }
        return (int) value;
    }

    public static io.sluice.api.v1.SctpStreamParameters toProto(SctpStreamParameters parameters) {
        io.sluice.api.v1.SctpStreamParameters.Builder proto = io.sluice.api.v1.SctpStreamParameters.newBuilder()
                .setStreamId(parameters.streamId())
                .setOrdered(parameters.ordered());
        if (parameters.maxPacketLifeTime() >= 0) {
            proto.setMaxPacketLifeTime(parameters.maxPacketLifeTime());
        }
        if (parameters.maxRetransmits() >= 0) {
            proto.setMaxRetransmits(parameters.maxRetransmits());
        }
        return proto.build();
    }

    public static DataProducerInfo toProto(DataProducer producer) {
        DataProducerInfo.Builder info = DataProducerInfo.newBuilder()
                .setId(producer.id())
                .setTransportId(producer.transport().id())
                .setType(producer.direct() ? "direct" : "sctp");
        if (producer.streamParameters() != null) {
            info.setSctpStreamParameters(toProto(producer.streamParameters()));
        }
        return info
                .setLabel(producer.label())
                .setProtocol(producer.protocol())
                .setPaused(producer.paused())
                .setAppData(AppDataMapper.toProto(producer.appData()))
                .build();
    }

    public static DataConsumerInfo toProto(DataConsumer consumer) {
        DataConsumerInfo.Builder info = DataConsumerInfo.newBuilder()
                .setId(consumer.id())
                .setTransportId(consumer.transport().id())
                .setDataProducerId(consumer.dataProducer().id());
        if (consumer.streamParameters() != null) {
            info.setType("sctp").setSctpStreamParameters(toProto(consumer.streamParameters()));
        } else {
            info.setType("direct");
        }
        return info
                .setLabel(consumer.label())
                .setProtocol(consumer.protocol())
                .setPaused(consumer.paused())
                .setDataProducerPaused(consumer.dataProducer().paused())
                .setBufferedAmountLowThreshold((int) Math.min(0xffffffffL, consumer.bufferedAmountLowThreshold()))
                .setAppData(AppDataMapper.toProto(consumer.appData()))
                .build();
    }

    public static DirectTransportInfo toProto(DirectTransport transport) {
        return DirectTransportInfo.newBuilder()
                .setId(transport.id())
                .setRouterId(transport.router().id())
                .setMaxMessageSize(transport.maxMessageSize())
                .setAppData(AppDataMapper.toProto(transport.appData()))
                .build();
    }

    public static DataProducerStats stats(DataProducer producer, long nowMs) {
        return DataProducerStats.newBuilder()
                .setTimestampMs(nowMs)
                .setLabel(producer.label())
                .setProtocol(producer.protocol())
                .setMessagesReceived(producer.messagesReceived())
                .setBytesReceived(producer.bytesReceived())
                .build();
    }

    public static DataConsumerStats stats(DataConsumer consumer, long nowMs) {
        return DataConsumerStats.newBuilder()
                .setTimestampMs(nowMs)
                .setLabel(consumer.label())
                .setProtocol(consumer.protocol())
                .setMessagesSent(consumer.messagesSent())
                .setBytesSent(consumer.bytesSent())
                .setBufferedAmount((int) Math.min(0xffffffffL, consumer.bufferedAmount()))
                .setMessagesDropped(consumer.messagesDropped())
                .build();
    }
}
