package io.sluice.worker.router;

import io.netty.buffer.ByteBuf;
import io.sluice.worker.bwe.BandwidthTrace;
import io.sluice.worker.dtls.DtlsState;
import io.sluice.worker.ice.IceState;
import io.sluice.worker.ice.TransportTuple;
import io.sluice.worker.router.observer.ActiveSpeakerObserver;
import io.sluice.worker.router.observer.AudioLevelObserver;
import io.sluice.worker.router.observer.RtpObserverEvents;
import java.util.List;

/**
 * What the media entities of one worker tell the outside: each call is one event of the control
 * API (docs/events.md), which the control plane publishes. Called on the worker's loop, after the
 * entity's state changed; an implementation must not block nor call back into the entities. The
 * RTP observers' events ({@link RtpObserverEvents}) come this way too. Every method is abstract so
 * that an event added here cannot be dropped unnoticed by the control plane's implementations;
 * {@link Ignoring} is for fakes that listen to a few events only.
 */
public interface EntityEvents extends RtpObserverEvents {

    /** Discards every event (tests of the media code that look at entities only). */
    EntityEvents NONE = new Ignoring();

    void routerClosed(Router router, CloseReason reason);

    void transportClosed(Transport transport, CloseReason reason);

    void iceStateChanged(WebRtcTransport transport, IceState state);

    void iceSelectedTupleChanged(WebRtcTransport transport, TransportTuple tuple);

    /** @param reason why DTLS failed; empty otherwise */
    void dtlsStateChanged(WebRtcTransport transport, DtlsState state, String reason);

    /** @param reason why it failed or closed; empty otherwise */
    void sctpStateChanged(WebRtcTransport transport, SctpTransportState state, String reason);

    void dataProducerClosed(DataProducer dataProducer, CloseReason reason);

    /** A data consumer's data producer closed (mediasoup's dataproducerclose); its {@link #dataConsumerClosed} follows. */
    void dataConsumerDataProducerClosed(DataConsumer dataConsumer);

    void dataConsumerClosed(DataConsumer dataConsumer, CloseReason reason);

    /** A direct data consumer's message, for the backend; the callee does not take {@code payload}. */
    void dataConsumerMessage(DataConsumer dataConsumer, long payloadProtocolId, ByteBuf payload);

    void directTransportClosed(DirectTransport transport, CloseReason reason);

    /** The transport's buffered amount fell to the data consumer's threshold (mediasoup's bufferedamountlow). */
    void dataConsumerBufferedAmountLow(DataConsumer dataConsumer, long bufferedAmount);

    void producerClosed(Producer producer, CloseReason reason);

    void producerScore(Producer producer);

    /** A consumer's producer closed; the consumer's own {@link #consumerClosed} follows. */
    void consumerProducerClosed(Consumer consumer);

    void consumerProducerPaused(Consumer consumer);

    void consumerProducerResumed(Consumer consumer);

    void consumerClosed(Consumer consumer, CloseReason reason);

    void consumerScore(Consumer consumer);

    /** The layers a simulcast or SVC consumer forwards changed (none: it forwards nothing now). */
    void consumerLayersChanged(LayeredConsumer consumer);

    /** The transport's bandwidth estimation, at most once a second while its "bwe" trace is enabled. */
    void bandwidthTrace(WebRtcTransport transport, BandwidthTrace trace);

    /** Ignores every event; a fake extends it and overrides the events it records. */
    class Ignoring implements EntityEvents {

        @Override
        public void routerClosed(Router router, CloseReason reason) {
        }

        @Override
        public void transportClosed(Transport transport, CloseReason reason) {
        }

        @Override
        public void iceStateChanged(WebRtcTransport transport, IceState state) {
        }

        @Override
        public void iceSelectedTupleChanged(WebRtcTransport transport, TransportTuple tuple) {
        }

        @Override
        public void dtlsStateChanged(WebRtcTransport transport, DtlsState state, String reason) {
        }

        @Override
        public void sctpStateChanged(WebRtcTransport transport, SctpTransportState state, String reason) {
        }

        @Override
        public void dataProducerClosed(DataProducer dataProducer, CloseReason reason) {
        }

        @Override
        public void dataConsumerDataProducerClosed(DataConsumer dataConsumer) {
        }

        @Override
        public void dataConsumerClosed(DataConsumer dataConsumer, CloseReason reason) {
        }

        @Override
        public void dataConsumerMessage(DataConsumer dataConsumer, long payloadProtocolId, ByteBuf payload) {
        }

        @Override
        public void directTransportClosed(DirectTransport transport, CloseReason reason) {
        }

        @Override
        public void dataConsumerBufferedAmountLow(DataConsumer dataConsumer, long bufferedAmount) {
        }

        @Override
        public void producerClosed(Producer producer, CloseReason reason) {
        }

        @Override
        public void producerScore(Producer producer) {
        }

        @Override
        public void consumerProducerClosed(Consumer consumer) {
        }

        @Override
        public void consumerProducerPaused(Consumer consumer) {
        }

        @Override
        public void consumerProducerResumed(Consumer consumer) {
        }

        @Override
        public void consumerClosed(Consumer consumer, CloseReason reason) {
        }

        @Override
        public void consumerScore(Consumer consumer) {
        }

        @Override
        public void consumerLayersChanged(LayeredConsumer consumer) {
        }

        @Override
        public void bandwidthTrace(WebRtcTransport transport, BandwidthTrace trace) {
        }

        @Override
        public void dominantSpeaker(ActiveSpeakerObserver observer, Producer producer) {
        }

        @Override
        public void volumes(AudioLevelObserver observer, List<AudioLevelObserver.Volume> volumes) {
        }

        @Override
        public void silence(AudioLevelObserver observer) {
        }
    }
}
