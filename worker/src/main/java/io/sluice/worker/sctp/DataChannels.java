package io.sluice.worker.sctp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.worker.time.Clock;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * WebRTC data channels (RFC 8831) over one {@link SctpAssociation}, opened in band with the Data
 * Channel Establishment Protocol (RFC 8832): OPEN and ACK on the channel's stream, stream ids of
 * one parity per side (RFC 8832 §6: the DTLS client takes even ones, the server odd ones), text
 * and binary messages told apart by PPID, empty messages as one ignored byte (RFC 8831 §6.6),
 * and closing by resetting both directions of the stream (§6.7).
 *
 * <p>Runs on the association's thread. Buffers: {@link #send} takes its payload; the listener
 * takes each packet and message.
 */
public final class DataChannels {

    public interface Listener {
        /** An SCTP packet to send (over DTLS, RFC 8261); the listener releases it. */
        void onPacket(ByteBuf packet);

        void onStateChange(SctpState state);

        /** A channel the peer opened, or one opened here that the peer acknowledged. */
        void onChannelOpen(DataChannel channel);

        /** A message; the listener releases the payload (empty for the empty-message PPIDs). */
        void onMessage(DataChannel channel, boolean text, ByteBuf payload);

        /** Both directions of the channel's stream are reset (its id may be used again), or the association closed. */
        void onChannelClosed(DataChannel channel);
    }

    private final SctpAssociation association;
    private final ByteBufAllocator allocator;
    private final boolean evenStreamIds;
    private final Listener listener;
    private final Map<Integer, DataChannel> channels = new HashMap<>();

    /** {@code evenStreamIds}: this side is the DTLS client (RFC 8832 §6). */
    public DataChannels(SctpConfig config, Clock clock, SctpScheduler scheduler, ByteBufAllocator allocator,
            SecureRandom random, boolean evenStreamIds, Listener listener) {
        this.allocator = allocator;
        this.evenStreamIds = evenStreamIds;
        this.listener = listener;
        this.association = new SctpAssociation(config, clock, scheduler, allocator, random, new AssociationListener());
    }

    public SctpAssociation association() {
        return association;
    }

    public void onPacket(ByteBuf packet) {
        association.onPacket(packet);
    }

    public Collection<DataChannel> channels() {
        return Collections.unmodifiableCollection(channels.values());
    }

    /**
     * Opens a channel on the lowest free stream id of this side's parity: sends OPEN (reliable,
     * ordered, RFC 8832 §6). Null when the association is not established or no id is free.
     */
    public DataChannel open(String label, String protocol, boolean ordered, Reliability reliability) {
        if (association.state() != SctpState.ESTABLISHED) {
            return null;
        }
        DataChannelOpen open = new DataChannelOpen(ordered, reliability, 0, label, protocol);
        for (int streamId = evenStreamIds ? 0 : 1; streamId < 65535; streamId += 2) {
            if (channels.containsKey(streamId)) {
                continue;
            }
            ByteBuf message = allocator.buffer();
            open.writeTo(message);
            if (association.send(streamId, DataChannelPpid.DCEP, true, Reliability.RELIABLE, message)
                    != SendResult.QUEUED) {
                return null;
            }
            DataChannel channel = new DataChannel(streamId, open, DataChannel.State.CONNECTING);
            channels.put(streamId, channel);
            return channel;
        }
        return null;
    }

    /** Sends a message on an open (or opening) channel; takes {@code payload} whatever the result. */
    public SendResult send(DataChannel channel, boolean text, ByteBuf payload) {
        if (channels.get(channel.streamId()) != channel || channel.state == DataChannel.State.CLOSING
                || channel.state == DataChannel.State.CLOSED) {
            payload.release();
            return SendResult.INVALID_STREAM;
        }
        boolean empty = !payload.isReadable();
        if (empty) {
            payload.writeByte(0); // RFC 8831 §6.6: one byte the receiver ignores
        }
        // RFC 8832 §6: until the ACK arrives, messages go ordered, so that none overtakes the OPEN
        boolean ordered = channel.ordered() || channel.state == DataChannel.State.CONNECTING;
        return association.send(channel.streamId(), DataChannelPpid.of(text, empty), ordered, channel.reliability(),
                payload);
    }

    /** Closes a channel by resetting its outgoing stream; the peer resets its own in answer (RFC 8831 §6.7). */
    public void close(DataChannel channel) {
        if (channels.get(channel.streamId()) != channel || channel.outgoingReset) {
            return;
        }
        channel.state = DataChannel.State.CLOSING;
        channel.outgoingReset = true;
        association.resetStreams(channel.streamId());
    }

    private void onMessage(int streamId, long ppid, ByteBuf payload) {
        if (ppid == DataChannelPpid.DCEP) {
            onDcep(streamId, payload);
            return;
        }
        DataChannel channel = channels.get(streamId);
        if (channel == null || !DataChannelPpid.userMessage(ppid)) {
            payload.release(); // RFC 8832 §6: data before OPEN, or of an unknown PPID, has no channel to go to
            return;
        }
        if (channel.state == DataChannel.State.CONNECTING) {
            onOpened(channel); // §6: a message from the peer implies the ACK
        }
        if (DataChannelPpid.empty(ppid)) {
            payload.clear();
        }
        listener.onMessage(channel, DataChannelPpid.text(ppid), payload);
    }

    private void onDcep(int streamId, ByteBuf payload) {
        try {
            int type = payload.readableBytes() > 0 ? payload.getUnsignedByte(payload.readerIndex()) : -1;
            DataChannel channel = channels.get(streamId);
            if (type == DataChannelOpen.MESSAGE_TYPE_ACK && channel != null
                    && channel.state == DataChannel.State.CONNECTING) {
                onOpened(channel);
            } else if (type == DataChannelOpen.MESSAGE_TYPE_OPEN && channel == null) {
                DataChannelOpen open = DataChannelOpen.parse(payload, payload.readerIndex(), payload.readableBytes());
                if (open == null) {
                    return;
                }
                channel = new DataChannel(streamId, open, DataChannel.State.OPEN);
                channels.put(streamId, channel);
                ByteBuf ack = allocator.buffer(1).writeByte(DataChannelOpen.MESSAGE_TYPE_ACK);
                association.send(streamId, DataChannelPpid.DCEP, true, Reliability.RELIABLE, ack);
                listener.onChannelOpen(channel);
            }
        } finally {
            payload.release();
        }
    }

    private void onOpened(DataChannel channel) {
        channel.state = DataChannel.State.OPEN;
        listener.onChannelOpen(channel);
    }

    private void onIncomingReset(int[] streams) {
        for (int streamId : streams) {
            DataChannel channel = channels.get(streamId);
            if (channel == null) {
                continue;
            }
            channel.incomingReset = true;
            if (!channel.outgoingReset) {
                close(channel);
            }
            closeWhenBothReset(channel);
        }
    }

    private void onOutgoingReset(int[] streams) {
        for (int streamId : streams) {
            DataChannel channel = channels.get(streamId);
            if (channel != null) {
                channel.outgoingResetDone = true;
                closeWhenBothReset(channel);
            }
        }
    }

    private void closeWhenBothReset(DataChannel channel) {
        if (channel.incomingReset && channel.state == DataChannel.State.CLOSING && channel.outgoingResetDone) {
            channel.state = DataChannel.State.CLOSED;
            channels.remove(channel.streamId());
            listener.onChannelClosed(channel);
        }
    }

    private final class AssociationListener implements SctpAssociation.Listener {
        @Override
        public void onPacket(ByteBuf packet) {
            listener.onPacket(packet);
        }

        @Override
        public void onMessage(int streamId, long payloadProtocolId, ByteBuf payload) {
            DataChannels.this.onMessage(streamId, payloadProtocolId, payload);
        }

        @Override
        public void onStateChange(SctpState state) {
            if (state == SctpState.CLOSED) {
                // The association's end closes every channel, whatever stream resets were still under way.
                List<DataChannel> open = new ArrayList<>(channels.values());
                channels.clear();
                for (DataChannel channel : open) {
                    channel.state = DataChannel.State.CLOSED;
                    listener.onChannelClosed(channel);
                }
            }
            listener.onStateChange(state);
        }

        @Override
        public void onIncomingStreamsReset(int[] streams) {
            onIncomingReset(streams);
        }

        @Override
        public void onOutgoingStreamsReset(int[] streams) {
            onOutgoingReset(streams);
        }
    }
}
