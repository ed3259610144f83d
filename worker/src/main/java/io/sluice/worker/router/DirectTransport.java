package io.sluice.worker.router;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.worker.sctp.DataChannelPpid;
import java.util.Map;

/**
 * A transport with no network under it (mediasoup's DirectTransport): its data producers take
 * messages the backend sends over the control API ({@code dataProducer.send}), and its data
 * consumers hand the messages they get to a {@link Listener}, which publishes them on NATS. Both
 * directions are bounded by its max message size, as an SCTP association's are by the negotiated
 * one. Lives on the router's loop.
 */
public final class DirectTransport implements DataTransport {

    /** mediasoup's default maxMessageSize for direct transports, and our upper bound (a NATS message carries it). */
    public static final int MAX_MESSAGE_SIZE = 262_144;

    /** Where its data consumers' messages go. */
    interface Listener {
        /** A message for the backend; the listener does not take {@code payload}. */
        void onDirectMessage(DataConsumer consumer, long payloadProtocolId, ByteBuf payload);
    }

    private final String id;
    private final Router router;
    private final int maxMessageSize;
    private final Map<String, String> appData;
    private final Listener listener;

    DirectTransport(String id, Router router, int maxMessageSize, Map<String, String> appData, Listener listener) {
        this.id = id;
        this.router = router;
        this.maxMessageSize = maxMessageSize;
        this.appData = appData;
        this.listener = listener;
    }

    /** A data consumer's message; false when it is over the max message size (dropped). */
    boolean deliver(DataConsumer consumer, long payloadProtocolId, ByteBuf payload) {
        if (payload.readableBytes() > maxMessageSize) {
            return false;
        }
        if (DataChannelPpid.empty(payloadProtocolId)) {
            // RFC 8831 §6.6: the one byte on the wire stands for an empty message; the backend gets it empty
            listener.onDirectMessage(consumer, DataChannelPpid.text(payloadProtocolId) ? DataChannelPpid.STRING
                    : DataChannelPpid.BINARY, Unpooled.EMPTY_BUFFER);
        } else {
            listener.onDirectMessage(consumer, payloadProtocolId, payload);
        }
        return true;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Router router() {
        return router;
    }

    public int maxMessageSize() {
        return maxMessageSize;
    }

    public Map<String, String> appData() {
        return appData;
    }
}
