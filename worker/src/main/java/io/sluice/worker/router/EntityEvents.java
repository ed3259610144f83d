package io.sluice.worker.router;

import io.netty.buffer.ByteBuf;
import io.sluice.worker.bwe.BandwidthTrace;
import io.sluice.worker.dtls.DtlsState;
import io.sluice.worker.ice.IceState;
import io.sluice.worker.ice.TransportTuple;
import io.sluice.worker.router.observer.RtpObserverEvents;

/**
 * What the media entities of one worker tell the outside: each call is one event of the control
 * API (docs/events.md), which the control plane publishes. Called on the worker's loop, after the
 * entity's state changed; an implementation must not block nor call back into the entities. The
 * RTP observers' events ({@link RtpObserverEvents}) come this way too.
 */
public interface EntityEvents extends RtpObserverEvents {

    /** Discards every event (tests of the media code that look at entities only). */
    EntityEvents NONE = new EntityEvents() {};

    default void routerClosed(Router router, CloseReason reason) {}

    default void transportClosed(Transport transport, CloseReason reason) {}

    default void iceStateChanged(WebRtcTransport transport, IceState state) {}

    default void iceSelectedTupleChanged(WebRtcTransport transport, TransportTuple tuple) {}

    /** @param reason why DTLS failed; empty otherwise */
    default void dtlsStateChanged(WebRtcTransport transport, DtlsState state, String reason) {}

    /** @param reason why it failed or closed; empty otherwise */
    default void sctpStateChanged(WebRtcTransport transport, SctpTransportState state, String reason) {}

    default void dataProducerClosed(DataProducer dataProducer, CloseReason reason) {}

    /** A data consumer's data producer closed (mediasoup's dataproducerclose); its {@link #dataConsumerClosed} follows. */
    default void dataConsumerDataProducerClosed(DataConsumer dataConsumer) {}

    default void dataConsumerClosed(DataConsumer dataConsumer, CloseReason reason) {}

    /** A direct data consumer's message, for the backend; the callee does not take {@code payload}. */
    default void dataConsumerMessage(DataConsumer dataConsumer, long payloadProtocolId, ByteBuf payload) {}

    default void directTransportClosed(DirectTransport transport, CloseReason reason) {}

    /** The transport's buffered amount fell to the data consumer's threshold (mediasoup's bufferedamountlow). */
    default void dataConsumerBufferedAmountLow(DataConsumer dataConsumer, long bufferedAmount) {}

    default void producerClosed(Producer producer, CloseReason reason) {}

    default void producerScore(Producer producer) {}

    /** A consumer's producer closed; the consumer's own {@link #consumerClosed} follows. */
    default void consumerProducerClosed(Consumer consumer) {}

    default void consumerProducerPaused(Consumer consumer) {}

    default void consumerProducerResumed(Consumer consumer) {}

    default void consumerClosed(Consumer consumer, CloseReason reason) {}

    default void consumerScore(Consumer consumer) {}

    /** The layers a simulcast or SVC consumer forwards changed (none: it forwards nothing now). */
    default void consumerLayersChanged(LayeredConsumer consumer) {}

    /** The transport's bandwidth estimation, at most once a second while its "bwe" trace is enabled. */
    default void bandwidthTrace(WebRtcTransport transport, BandwidthTrace trace) {}
}
