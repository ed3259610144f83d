package io.sluice.worker.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.sluice.worker.ice.TransportTuple;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local UDP socket or an accepted ICE-TCP connection that RTC packets arrive on and leave from.
 * Its {@link #localId()} is the {@code localId} of the {@link TransportTuple}s seen on it.
 */
public abstract sealed class RtcSocket permits UdpRtcSocket, TcpRtcConnection {

    private static final AtomicInteger NEXT_LOCAL_ID = new AtomicInteger(1);

    private final int localId = NEXT_LOCAL_ID.getAndIncrement();
    protected final Channel channel;
    /** Written to in an open {@link FlushBatch} and not flushed yet. */
    boolean flushPending;

    RtcSocket(Channel channel) {
        this.channel = channel;
    }

    public int localId() {
        return localId;
    }

    public abstract TransportTuple.Protocol protocol();

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    public Channel channel() {
        return channel;
    }

    /**
     * Sends one packet to {@code remote} (ignored on TCP: the connection has one peer); takes
     * ownership of it. Flushed at once, or when the calling thread's open {@link FlushBatch} closes.
     */
    public final void send(ByteBuf packet, InetSocketAddress remote) {
        write(packet, remote);
        FlushBatch batch = FlushBatch.current();
        if (batch.isOpen()) {
            batch.defer(this);
        } else {
            channel.flush();
        }
    }

    /** Queues one packet on the channel, without flushing. */
    protected abstract void write(ByteBuf packet, InetSocketAddress remote);

    public void close() {
        channel.close();
    }

    @Override
    public String toString() {
        return protocol() + " " + channel.localAddress() + " #" + localId;
    }
}
