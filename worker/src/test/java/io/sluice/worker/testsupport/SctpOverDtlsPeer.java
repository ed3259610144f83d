package io.sluice.worker.testsupport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.sluice.worker.sctp.Reliability;
import io.sluice.worker.sctp.SctpAssociation;
import io.sluice.worker.sctp.SctpConfig;
import io.sluice.worker.sctp.SctpState;
import io.sluice.worker.sctp.SendResult;
import io.sluice.worker.time.Clock;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * An SCTP association over a {@link WebRtcTestPeer}'s DTLS (RFC 8261), as a browser runs one
 * under its data channels: it sends the INIT once DTLS is up and speaks in stream ids (mediasoup-
 * client's negotiated channels, no DCEP). What arrives is recorded for the test to read.
 */
public final class SctpOverDtlsPeer implements SctpAssociation.Listener {

    /** A message as it arrived. */
    public record Message(int streamId, long payloadProtocolId, byte[] payload) {}

    private final WebRtcTestPeer peer;
    private final SctpAssociation association;
    public final List<Message> messages = new CopyOnWriteArrayList<>();
    public final List<SctpState> states = new CopyOnWriteArrayList<>();
    public final List<Integer> incomingResets = new CopyOnWriteArrayList<>();
    public final List<Integer> outgoingResets = new CopyOnWriteArrayList<>();

    /** {@code maxMessageSize}: the largest message sent or accepted. */
    public SctpOverDtlsPeer(WebRtcTestPeer peer, int mtu, int maxMessageSize) {
        this.peer = peer;
        SctpConfig config = SctpConfig.defaults().withMaxMessageSize(maxMessageSize, Math.max(1 << 20, 4 * maxMessageSize))
                .withMtu(mtu);
        this.association = new SctpAssociation(config, Clock.system(), (task, delayMillis) -> {
            var future = peer.loop().schedule(task, delayMillis, TimeUnit.MILLISECONDS);
            return () -> future.cancel(false);
        }, io.netty.buffer.ByteBufAllocator.DEFAULT, new SecureRandom(), this);
        peer.onApplicationData(packet -> {
            try {
                association.onPacket(packet);
            } finally {
                packet.release();
            }
        });
    }

    public void connect() throws Exception {
        peer.loop().submit(association::connect).get(Patience.WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    public SctpState state() throws Exception {
        return peer.loop().submit(association::state).get(Patience.WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    public SendResult send(int streamId, long ppid, boolean ordered, Reliability reliability, byte[] payload)
            throws Exception {
        return peer.loop().submit(() -> association.send(streamId, ppid, ordered, reliability,
                Unpooled.wrappedBuffer(payload))).get(Patience.WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    public void resetStreams(int... streams) throws Exception {
        peer.loop().submit(() -> association.resetStreams(streams)).get(Patience.WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    public List<Message> messagesOn(int streamId) {
        return messages.stream().filter(m -> m.streamId() == streamId).toList();
    }

    @Override
    public void onPacket(ByteBuf packet) {
        peer.sendApplicationData(packet);
    }

    @Override
    public void onMessage(int streamId, long payloadProtocolId, ByteBuf payload) {
        messages.add(new Message(streamId, payloadProtocolId, ByteBufUtil.getBytes(payload)));
        payload.release();
    }

    @Override
    public void onStateChange(SctpState state) {
        states.add(state);
    }

    @Override
    public void onIncomingStreamsReset(int[] streams) {
        for (int stream : streams) {
            incomingResets.add(stream);
        }
    }

    @Override
    public void onOutgoingStreamsReset(int[] streams) {
        for (int stream : streams) {
            outgoingResets.add(stream);
        }
    }
}
