package io.sluice.worker.router;

import io.netty.buffer.ByteBuf;
import io.sluice.worker.sctp.SendResult;
import java.util.Map;

/**
 * A data producer's messages sent to an endpoint on one SCTP stream of its WebRTC transport, with
 * its own ordering and reliability, or to the backend through a direct transport (mediasoup's
 * DataConsumer of type "sctp" or "direct"), and mediasoup's bufferedamountlow: told when the
 * association's unacknowledged bytes fall to the threshold from above. Lives on the router's loop.
 */
public final class DataConsumer {

    private final String id;
    private final DataTransport transport;
    private final DataProducer dataProducer;
    private final SctpStreamParameters streamParameters;
    private final Map<String, String> appData;
    private boolean paused;
    private long bufferedAmountLowThreshold;
    private long lastBufferedAmount;
    private long messagesSent;
    private long bytesSent;
    private long messagesDropped;

    DataConsumer(String id, DataTransport transport, DataProducer dataProducer,
            SctpStreamParameters streamParameters, boolean paused, Map<String, String> appData) {
        this.id = id;
        this.transport = transport;
        this.dataProducer = dataProducer;
        this.streamParameters = streamParameters;
        this.paused = paused;
        this.appData = appData;
    }

    /** One of its data producer's messages; the caller keeps {@code payload}. */
    void send(long payloadProtocolId, ByteBuf payload) {
        if (paused || dataProducer.paused()) {
            messagesDropped++;
            return;
        }
        switch (transport) {
            case WebRtcTransport webRtc -> sendOverSctp(webRtc.sctp(), payloadProtocolId, payload);
            case DirectTransport direct -> {
                int length = payload.readableBytes();
                if (direct.deliver(this, payloadProtocolId, payload)) {
                    messagesSent++;
                    bytesSent += length;
                } else {
                    messagesDropped++;
                }
            }
        }
    }

    private void sendOverSctp(TransportSctp sctp, long payloadProtocolId, ByteBuf payload) {
        if (sctp == null || !sctp.established()) {
            messagesDropped++;
            return;
        }
        int length = payload.readableBytes();
        SendResult result = sctp.association().send(streamParameters.streamId(), payloadProtocolId,
                streamParameters.ordered(), streamParameters.reliability(), payload.retainedDuplicate());
        if (result == SendResult.QUEUED) {
            messagesSent++;
            bytesSent += length;
            sctp.afterSend();
        } else {
            messagesDropped++;
        }
    }

    /**
     * The association's buffered amount changed; true when it fell to the threshold from above
     * (mediasoup's bufferedamountlow).
     */
    boolean onBufferedAmount(long bufferedAmount) {
        long previous = lastBufferedAmount;
        lastBufferedAmount = bufferedAmount;
        return previous > bufferedAmountLowThreshold && bufferedAmount <= bufferedAmountLowThreshold;
    }

    public String id() {
        return id;
    }

    public DataTransport transport() {
        return transport;
    }

    public DataProducer dataProducer() {
        return dataProducer;
    }

    /** Its SCTP stream; null for a direct data consumer. */
    public SctpStreamParameters streamParameters() {
        return streamParameters;
    }

    public String label() {
        return dataProducer.label();
    }

    public String protocol() {
        return dataProducer.protocol();
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

    public long bufferedAmountLowThreshold() {
        return bufferedAmountLowThreshold;
    }

    void setBufferedAmountLowThreshold(long threshold) {
        this.bufferedAmountLowThreshold = threshold;
    }

    /** The transport's association's unacknowledged bytes, as last seen. */
    public long bufferedAmount() {
        TransportSctp sctp = transport instanceof WebRtcTransport webRtc ? webRtc.sctp() : null;
        return sctp == null ? 0 : sctp.bufferedBytes();
    }

    public long messagesSent() {
        return messagesSent;
    }

    public long bytesSent() {
        return bytesSent;
    }

    public long messagesDropped() {
        return messagesDropped;
    }
}
