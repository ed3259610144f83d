package io.sluice.worker.control;

import io.sluice.api.v1.ConsumerClosed;
import io.sluice.api.v1.ConsumerLayersChanged;
import io.sluice.worker.bwe.BandwidthTrace;
import io.sluice.worker.control.mapping.TransportMapper;
import io.sluice.api.v1.ConsumerProducerClosed;
import io.sluice.api.v1.ConsumerProducerPaused;
import io.sluice.api.v1.ConsumerProducerResumed;
import io.sluice.api.v1.DataConsumerBufferedAmountLow;
import io.sluice.api.v1.DataConsumerClosed;
import io.sluice.api.v1.DataConsumerMessage;
import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.sluice.worker.router.DirectTransport;
import io.sluice.api.v1.DataConsumerDataProducerClosed;
import io.sluice.api.v1.DataProducerClosed;
import io.sluice.api.v1.Event;
import io.sluice.worker.router.DataConsumer;
import io.sluice.worker.router.DataProducer;
import io.sluice.api.v1.ProducerClosed;
import io.sluice.api.v1.RouterClosed;
import io.sluice.api.v1.RtpObserverDominantSpeaker;
import io.sluice.api.v1.RtpObserverSilence;
import io.sluice.api.v1.TransportClosed;
import io.sluice.api.v1.TransportDtlsStateChanged;
import io.sluice.api.v1.TransportSctpStateChanged;
import io.sluice.worker.control.mapping.SctpMapper;
import io.sluice.worker.router.SctpTransportState;
import io.sluice.api.v1.TransportIceStateChanged;
import io.sluice.api.v1.TransportTupleChanged;
import io.sluice.worker.control.mapping.ConsumerMapper;
import io.sluice.worker.control.mapping.StatsMapper;
import io.sluice.worker.control.mapping.TransportMapper;
import io.sluice.worker.dtls.DtlsState;
import io.sluice.worker.ice.IceState;
import io.sluice.worker.control.mapping.RtpObserverMapper;
import io.sluice.worker.ice.TransportTuple;
import io.sluice.worker.router.CloseReason;
import io.sluice.worker.router.Consumer;
import io.sluice.worker.router.ConsumerLayers;
import io.sluice.worker.router.EntityEvents;
import io.sluice.worker.router.LayeredConsumer;
import io.sluice.worker.router.Transport;
import io.sluice.worker.router.Producer;
import io.sluice.worker.router.Router;
import io.sluice.worker.router.RtpStreamStatsWriter;
import io.sluice.worker.router.WebRtcTransport;
import io.sluice.worker.router.observer.ActiveSpeakerObserver;
import io.sluice.worker.router.observer.AudioLevelObserver;
import io.sluice.worker.router.observer.RtpObserver;
import java.util.List;

/** Publishes what the entities of one worker report as the control API's events (docs/events.md). */
final class PublishedEntityEvents implements EntityEvents {

    private final EventPublisher events;

    PublishedEntityEvents(EventPublisher events) {
        this.events = events;
    }

    @Override
    public void routerClosed(Router router, CloseReason reason) {
        events.routerClosed(router.id(), reason == CloseReason.WORKER_CLOSED
                ? RouterClosed.Reason.WORKER_CLOSED : RouterClosed.Reason.REQUESTED);
    }

    @Override
    public void transportClosed(Transport transport, CloseReason reason) {
        transportClosed(transport.router(), transport.id(), reason);
    }

    @Override
    public void directTransportClosed(DirectTransport transport, CloseReason reason) {
        transportClosed(transport.router(), transport.id(), reason);
    }

    private void transportClosed(Router router, String transportId, CloseReason reason) {
        TransportClosed.Reason closed = switch (reason) {
            case REQUESTED -> TransportClosed.Reason.REQUESTED;
            case ROUTER_CLOSED -> TransportClosed.Reason.ROUTER_CLOSED;
            case WEBRTC_SERVER_CLOSED -> TransportClosed.Reason.WEBRTC_SERVER_CLOSED;
            case WORKER_CLOSED -> TransportClosed.Reason.WORKER_CLOSED;
            case PIPE_PEER_CLOSED -> TransportClosed.Reason.PIPE_PEER_CLOSED;
            case TRANSPORT_CLOSED, PRODUCER_CLOSED -> TransportClosed.Reason.REASON_UNSPECIFIED;
        };
        emit(router, "transport", transportId, "closed",
                Event.newBuilder().setTransportClosed(TransportClosed.newBuilder().setReason(closed)));
    }

    @Override
    public void iceStateChanged(WebRtcTransport transport, IceState state) {
        emit(transport.router(), "transport", transport.id(), "icestatechange", Event.newBuilder()
                .setTransportIceStateChanged(TransportIceStateChanged.newBuilder()
                        .setIceState(TransportMapper.toProto(state))));
    }

    @Override
    public void bandwidthTrace(WebRtcTransport transport, BandwidthTrace trace) {
        emit(transport.router(), "transport", transport.id(), "trace", Event.newBuilder()
                .setTransportTrace(TransportMapper.toProto(trace)));
    }

    @Override
    public void iceSelectedTupleChanged(WebRtcTransport transport, TransportTuple tuple) {
        emit(transport.router(), "transport", transport.id(), "tuplechange", Event.newBuilder()
                .setTransportTupleChanged(TransportTupleChanged.newBuilder()
                        .setIceSelectedTuple(TransportMapper.toProto(transport.tupleInfo(tuple)))));
    }

    @Override
    public void dtlsStateChanged(WebRtcTransport transport, DtlsState state, String reason) {
        emit(transport.router(), "transport", transport.id(), "dtlsstatechange", Event.newBuilder()
                .setTransportDtlsStateChanged(TransportDtlsStateChanged.newBuilder()
                        .setDtlsState(TransportMapper.toProto(state)).setReason(reason)));
    }

    @Override
    public void sctpStateChanged(WebRtcTransport transport, SctpTransportState state, String reason) {
        emit(transport.router(), "transport", transport.id(), "sctpstatechange", Event.newBuilder()
                .setTransportSctpStateChanged(TransportSctpStateChanged.newBuilder()
                        .setSctpState(SctpMapper.toProto(state)).setReason(reason)));
    }

    @Override
    public void dataProducerClosed(DataProducer dataProducer, CloseReason reason) {
        emit(dataProducer.transport().router(), "dataProducer", dataProducer.id(), "closed", Event.newBuilder()
                .setDataProducerClosed(DataProducerClosed.newBuilder().setReason(switch (reason) {
                    case REQUESTED -> DataProducerClosed.Reason.REQUESTED;
                    case TRANSPORT_CLOSED -> DataProducerClosed.Reason.TRANSPORT_CLOSED;
                    case ROUTER_CLOSED, WORKER_CLOSED -> DataProducerClosed.Reason.ROUTER_CLOSED;
                    default -> DataProducerClosed.Reason.REASON_UNSPECIFIED;
                })));
    }

    @Override
    public void dataConsumerDataProducerClosed(DataConsumer dataConsumer) {
        emit(dataConsumer, "dataproducerclose", Event.newBuilder()
                .setDataConsumerDataProducerClosed(DataConsumerDataProducerClosed.getDefaultInstance()));
    }

    @Override
    public void dataConsumerClosed(DataConsumer dataConsumer, CloseReason reason) {
        emit(dataConsumer, "closed", Event.newBuilder()
                .setDataConsumerClosed(DataConsumerClosed.newBuilder().setReason(switch (reason) {
                    case REQUESTED -> DataConsumerClosed.Reason.REQUESTED;
                    case TRANSPORT_CLOSED -> DataConsumerClosed.Reason.TRANSPORT_CLOSED;
                    case ROUTER_CLOSED, WORKER_CLOSED -> DataConsumerClosed.Reason.ROUTER_CLOSED;
                    case PRODUCER_CLOSED -> DataConsumerClosed.Reason.DATA_PRODUCER_CLOSED;
                    default -> DataConsumerClosed.Reason.REASON_UNSPECIFIED;
                })));
    }

    /** The payload is copied into the event: NATS publishes from a byte array. */
    @Override
    public void dataConsumerMessage(DataConsumer dataConsumer, long payloadProtocolId, ByteBuf payload) {
        emit(dataConsumer, "message", Event.newBuilder().setDataConsumerMessage(DataConsumerMessage.newBuilder()
                .setPpid((int) payloadProtocolId)
                .setPayload(ByteString.copyFrom(payload.nioBuffer()))));
    }

    @Override
    public void dataConsumerBufferedAmountLow(DataConsumer dataConsumer, long bufferedAmount) {
        emit(dataConsumer, "bufferedamountlow", Event.newBuilder()
                .setDataConsumerBufferedAmountLow(DataConsumerBufferedAmountLow.newBuilder()
                        .setBufferedAmount((int) Math.min(0xffffffffL, bufferedAmount))));
    }

    private void emit(DataConsumer dataConsumer, String eventName, Event.Builder event) {
        emit(dataConsumer.transport().router(), "dataConsumer", dataConsumer.id(), eventName, event);
    }

    @Override
    public void producerClosed(Producer producer, CloseReason reason) {
        ProducerClosed.Reason closed = switch (reason) {
            case REQUESTED -> ProducerClosed.Reason.REQUESTED;
            case TRANSPORT_CLOSED, WEBRTC_SERVER_CLOSED -> ProducerClosed.Reason.TRANSPORT_CLOSED;
            case ROUTER_CLOSED, WORKER_CLOSED -> ProducerClosed.Reason.ROUTER_CLOSED;
            case PRODUCER_CLOSED, PIPE_PEER_CLOSED -> ProducerClosed.Reason.REASON_UNSPECIFIED;
        };
        emit(producer.transport().router(), "producer", producer.id(), "closed",
                Event.newBuilder().setProducerClosed(ProducerClosed.newBuilder().setReason(closed)));
    }

    @Override
    public void producerScore(Producer producer) {
        emit(producer.transport().router(), "producer", producer.id(), "score",
                Event.newBuilder().setProducerScore(StatsMapper.toProto(RtpStreamStatsWriter.producerScore(producer))));
    }

    @Override
    public void consumerProducerClosed(Consumer consumer) {
        emit(consumer, "producerclose",
                Event.newBuilder().setConsumerProducerClosed(ConsumerProducerClosed.getDefaultInstance()));
    }

    @Override
    public void consumerProducerPaused(Consumer consumer) {
        emit(consumer, "producerpause",
                Event.newBuilder().setConsumerProducerPaused(ConsumerProducerPaused.getDefaultInstance()));
    }

    @Override
    public void consumerProducerResumed(Consumer consumer) {
        emit(consumer, "producerresume",
                Event.newBuilder().setConsumerProducerResumed(ConsumerProducerResumed.getDefaultInstance()));
    }

    @Override
    public void consumerClosed(Consumer consumer, CloseReason reason) {
        ConsumerClosed.Reason closed = switch (reason) {
            case REQUESTED -> ConsumerClosed.Reason.REQUESTED;
            case TRANSPORT_CLOSED, WEBRTC_SERVER_CLOSED -> ConsumerClosed.Reason.TRANSPORT_CLOSED;
            case ROUTER_CLOSED, WORKER_CLOSED -> ConsumerClosed.Reason.ROUTER_CLOSED;
            case PRODUCER_CLOSED -> ConsumerClosed.Reason.PRODUCER_CLOSED;
            case PIPE_PEER_CLOSED -> ConsumerClosed.Reason.REASON_UNSPECIFIED;
        };
        emit(consumer, "closed", Event.newBuilder().setConsumerClosed(ConsumerClosed.newBuilder().setReason(closed)));
    }

    @Override
    public void consumerScore(Consumer consumer) {
        emit(consumer, "score", Event.newBuilder().setConsumerScore(StatsMapper.toProto(consumer.score())));
    }

    @Override
    public void consumerLayersChanged(LayeredConsumer consumer) {
        ConsumerLayersChanged.Builder changed = ConsumerLayersChanged.newBuilder();
        ConsumerLayers current = consumer.currentLayers();
        if (current != null) {
            changed.setLayers(ConsumerMapper.toProto(current));
        }
        changed.setReason(ConsumerMapper.toProto(consumer.layersChangeReason()));
        emit(consumer, "layerschange", Event.newBuilder().setConsumerLayersChanged(changed));
    }

    @Override
    public void dominantSpeaker(ActiveSpeakerObserver observer, Producer producer) {
        emit(observer, "dominantspeaker", Event.newBuilder()
                .setRtpObserverDominantSpeaker(RtpObserverDominantSpeaker.newBuilder().setProducerId(producer.id())));
    }

    @Override
    public void volumes(AudioLevelObserver observer, List<AudioLevelObserver.Volume> volumes) {
        emit(observer, "volumes", Event.newBuilder().setRtpObserverVolumes(RtpObserverMapper.toProto(volumes)));
    }

    @Override
    public void silence(AudioLevelObserver observer) {
        emit(observer, "silence", Event.newBuilder().setRtpObserverSilence(RtpObserverSilence.getDefaultInstance()));
    }

    private void emit(RtpObserver observer, String eventName, Event.Builder event) {
        events.emit(observer.routerId(), "rtpObserver", observer.id(), eventName, event);
    }

    private void emit(Consumer consumer, String eventName, Event.Builder event) {
        emit(consumer.transport().router(), "consumer", consumer.id(), eventName, event);
    }

    private void emit(Router router, String entity, String entityId, String eventName, Event.Builder event) {
        events.emit(router.id(), entity, entityId, eventName, event);
    }
}
