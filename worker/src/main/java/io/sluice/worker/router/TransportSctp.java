package io.sluice.worker.router;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.sluice.worker.sctp.SctpAssociation;
import io.sluice.worker.sctp.SctpConfig;
import io.sluice.worker.sctp.SctpPacket;
import io.sluice.worker.sctp.SctpScheduler;
import io.sluice.worker.sctp.SctpState;
import io.sluice.worker.time.Clock;
import io.sluice.worker.sctp.DataChannelPpid;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The SCTP association of one WebRTC transport, over its DTLS (RFC 8261), as mediasoup's
 * SctpAssociation: packets in from DTLS application data, packets out to DTLS, timers on the
 * transport's loop. The peer sends the INIT (browsers do as soon as DTLS is up, RFC 8841 §5);
 * this side sends one too when it is the DTLS client, since peers such as pion/webrtc wait for
 * it then. An association that ended (the peer went away, or never answered) is replaced when a
 * new INIT arrives, so a peer that opens its first data channel late still gets one.
 *
 * <p>Messages are keyed by stream id, as mediasoup-client negotiates its channels out of band
 * (RFC 8832 §6 "negotiated"): DCEP is not used. Each stream carries one data producer (the peer
 * sends on it) and one data consumer (this side sends on it). Closing a data consumer resets its
 * outgoing stream (RFC 8831 §6.7); the peer's reset of a stream is answered by resetting this
 * side's, which closes the channel on the peer's side too. A data consumer's stream id is free for
 * another only once this side's reset of it is performed. Runs on the transport's loop.
 */
final class TransportSctp implements SctpAssociation.Listener {

    interface Host {
        /** An SCTP packet to send as one DTLS record; the host takes it. */
        void sendSctpPacket(ByteBuf packet);

        void onSctpStateChanged(SctpTransportState state, String reason);

        /** The association's unacknowledged bytes may have changed (mediasoup's bufferedAmount). */
        void onSctpBufferedAmount(long bytes);
    }

    private final SctpSettings settings;
    private SctpConfig config;
    private final Clock clock;
    private final SctpScheduler scheduler;
    private final SecureRandom random;
    private final Host host;
    private SctpAssociation association;
    private SctpTransportState state = SctpTransportState.NEW;
    private final Map<Integer, DataProducer> producers = new HashMap<>();
    private final Map<Integer, DataConsumer> consumers = new HashMap<>();
    /** Outgoing streams this side asked to reset, until the peer performed it: not yet reusable. */
    private final Set<Integer> resetting = new HashSet<>();

    TransportSctp(SctpSettings settings, EventLoop loop, Clock clock, SecureRandom random, Host host) {
        this.settings = settings;
        this.clock = clock;
        this.random = random;
        this.host = host;
        this.scheduler = (task, delayMillis) -> {
            var future = loop.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
            return () -> future.cancel(false);
        };
    }

    private SctpAssociation newAssociation() {
        return new SctpAssociation(config, clock, scheduler, ByteBufAllocator.DEFAULT, random, this);
    }

    SctpSettings settings() {
        return settings;
    }

    SctpTransportState state() {
        return state;
    }

    SctpAssociation association() {
        return association;
    }

    /**
     * DTLS is up: the association exists from now on, its packets as large as one DTLS record
     * carries ({@code mtu}, RFC 8261 §5); as the DTLS client, this side starts it (RFC 8261 §6
     * lets either side).
     */
    void onDtlsConnected(boolean dtlsClient, int mtu) {
        if (association != null) {
            return;
        }
        config = SctpConfig.defaults()
                .withStreams(settings.outboundStreams(), settings.inboundStreams())
                .withMaxMessageSize(settings.maxMessageSize(),
                        Math.max(1 << 20, settings.maxMessageSize() * SctpSettings.MESSAGES_BUFFERED))
                .withMtu(mtu);
        association = newAssociation();
        if (dtlsClient) {
            association.connect();
        }
    }

    /** Whether messages can be sent now. */
    boolean established() {
        return association != null && association.state() == SctpState.ESTABLISHED;
    }

    long bufferedBytes() {
        return association == null ? 0 : association.bufferedBytes();
    }

    /** One DTLS record of application data: an SCTP packet. The caller keeps the buffer. */
    void onPacketFromPeer(ByteBuf packet) {
        if (association == null) {
            return;
        }
        if (association.state() == SctpState.CLOSED && association.closeReason() != null
                && SctpPacket.isInit(packet)) {
            association = newAssociation();
        }
        association.onPacket(packet);
        host.onSctpBufferedAmount(association.bufferedBytes());
    }

    /** The stream's data producer, if any. */
    DataProducer producerOn(int streamId) {
        return producers.get(streamId);
    }

    boolean acceptsIncomingStream(int streamId) {
        return streamId < settings.inboundStreams();
    }

    void addProducer(DataProducer producer) {
        producers.put(producer.streamParameters().streamId(), producer);
    }

    void removeProducer(DataProducer producer) {
        producers.remove(producer.streamParameters().streamId(), producer);
    }

    /** The lowest stream id free for a new data consumer (mediasoup picks the same way), or -1. */
    int freeOutgoingStream() {
        for (int streamId = 0; streamId < settings.outboundStreams(); streamId++) {
            if (!consumers.containsKey(streamId) && !resetting.contains(streamId)) {
                return streamId;
            }
        }
        return -1;
    }

    void addConsumer(DataConsumer consumer) {
        consumers.put(consumer.streamParameters().streamId(), consumer);
    }

    /** The consumer's channel closes: its outgoing stream is reset (RFC 8831 §6.7). */
    void removeConsumer(DataConsumer consumer) {
        int streamId = consumer.streamParameters().streamId();
        if (consumers.remove(streamId, consumer) && established()) {
            resetting.add(streamId);
            association.resetStreams(streamId);
        }
    }

    /** Messages given to the association: it may hold more unacknowledged bytes now. */
    void afterSend() {
        host.onSctpBufferedAmount(association.bufferedBytes());
    }

    java.util.Collection<DataConsumer> consumers() {
        return consumers.values();
    }

    /** Ends the association with the transport, telling the peer (RFC 9260 §9.1). */
    void close() {
        if (association != null) {
            association.abort("transport closed");
        }
        setState(SctpTransportState.CLOSED, "transport closed");
    }

    @Override
    public void onPacket(ByteBuf packet) {
        host.sendSctpPacket(packet);
    }

    @Override
    public void onMessage(int streamId, long payloadProtocolId, ByteBuf payload) {
        DataProducer producer = producers.get(streamId);
        if (producer == null || payloadProtocolId == DataChannelPpid.DCEP) {
            payload.release(); // no data producer on the stream, or DCEP, which negotiated channels do not use
            return;
        }
        producer.onMessage(payloadProtocolId, payload);
    }

    @Override
    public void onStateChange(SctpState next) {
        switch (next) {
            case COOKIE_WAIT, COOKIE_ECHOED -> setState(SctpTransportState.CONNECTING, "");
            case ESTABLISHED -> setState(SctpTransportState.CONNECTED, "");
            case CLOSED -> {
                String reason = association.closeReason();
                boolean orderly = reason == null || reason.equals("shut down");
                setState(orderly ? SctpTransportState.CLOSED : SctpTransportState.FAILED,
                        reason == null ? "" : reason);
            }
            default -> { }
        }
    }

    @Override
    public void onIncomingStreamsReset(int[] streams) {
        for (int streamId : streams) {
            if (!resetting.contains(streamId) && association.state() == SctpState.ESTABLISHED) {
                association.resetStreams(streamId); // RFC 8831 §6.7: the channel closes both ways
            }
        }
    }

    @Override
    public void onOutgoingStreamsReset(int[] streams) {
        for (int streamId : streams) {
            resetting.remove(streamId);
        }
    }

    private void setState(SctpTransportState next, String reason) {
        if (state != next) {
            state = next;
            host.onSctpStateChanged(next, reason);
        }
    }
}
