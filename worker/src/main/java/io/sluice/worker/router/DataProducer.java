package io.sluice.worker.router;

import io.netty.buffer.ByteBuf;
import java.util.Map;

/**
 * Messages an endpoint sends on one SCTP stream of its WebRTC transport, or the backend sends
 * through a direct transport (mediasoup's DataProducer of type "sctp" or "direct"), handed to its
 * router, which passes them to the data producer's consumers. Lives on the router's loop.
 */
public final class DataProducer {

    /** Where its messages go: the router's routing. */
    interface Listener {
        /** A message to pass on; the listener does not take {@code payload}. */
        void onDataProducerMessage(DataProducer producer, long payloadProtocolId, ByteBuf payload);
    }

    private final String id;
    private final DataTransport transport;
    private final SctpStreamParameters streamParameters;
    private final String label;
    private final String protocol;
    private final Map<String, String> appData;
    private final Listener listener;
    private boolean paused;
    private long messagesReceived;
    private long bytesReceived;

    DataProducer(String id, DataTransport transport, SctpStreamParameters streamParameters, String label,
            String protocol, boolean paused, Map<String, String> appData, Listener listener) {
        this.id = id;
        this.transport = transport;
        this.streamParameters = streamParameters;
        this.label = label;
        this.protocol = protocol;
        this.paused = paused;
        this.appData = appData;
        this.listener = listener;
    }

    /** A message from the endpoint (payload protocol id as sent: RFC 8831 §8); takes {@code payload}. */
    void onMessage(long payloadProtocolId, ByteBuf payload) {
        try {
            messagesReceived++;
            bytesReceived += payload.readableBytes();
            if (!paused) {
                listener.onDataProducerMessage(this, payloadProtocolId, payload);
            }
        } finally {
            payload.release();
        }
    }

    public String id() {
        return id;
    }

    public DataTransport transport() {
        return transport;
    }

    /** Whether the backend sends its messages (a direct transport's), rather than an SCTP peer. */
    public boolean direct() {
        return transport instanceof DirectTransport;
    }

    /** Its SCTP stream; null for a direct data producer. */
    public SctpStreamParameters streamParameters() {
        return streamParameters;
    }

    public String label() {
        return label;
    }

    public String protocol() {
        return protocol;
    }

    public Map<String, String> appData() {
        return appData;
    }

    public boolean paused() {
        return paused;
    }

    void setPaused(boolean paused) {
        this.paused = paused;
    }

    public long messagesReceived() {
        return messagesReceived;
    }

    public long bytesReceived() {
        return bytesReceived;
    }
}
