package io.sluice.worker.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.worker.ice.TransportTuple;
import java.net.InetSocketAddress;

/**
 * One accepted ICE-TCP connection (RFC 6544, passive), framed as RFC 4571: each frame is one
 * STUN, DTLS, RTP or RTCP packet for the {@link RtcPacketSink}. Its {@link IceTcpGuard} closes it
 * unless its owner reports a valid STUN check on it in time ({@link #markValidated}).
 */
public final class TcpRtcConnection extends RtcSocket {

    private final IceTcpGuard guard;
    /** Read once at accept: a closed channel may no longer know its peer. */
    private final InetSocketAddress remoteAddress;
    /** Guard state, touched on the loop only. */
    boolean admitted;
    boolean validated;
    ScheduledFuture<?> validationTimer;

    TcpRtcConnection(Channel channel, IceTcpGuard guard) {
        super(channel);
        this.guard = guard;
        this.remoteAddress = (InetSocketAddress) channel.remoteAddress();
    }

    void install(RtcPacketSink sink) {
        channel.pipeline().addLast(new Rfc4571FrameDecoder(), new Rfc4571FrameEncoder(), new FrameHandler(this, sink));
    }

    @Override
    public TransportTuple.Protocol protocol() {
        return TransportTuple.Protocol.TCP;
    }

    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    /** A valid STUN check arrived on this connection (it made a tuple of its transport): it may stay. */
    public void markValidated() {
        guard.validated(this);
    }

    @Override
    protected void write(ByteBuf packet, InetSocketAddress remote) {
        channel.write(packet, channel.voidPromise());
    }

    private static final class FrameHandler extends SimpleChannelInboundHandler<ByteBuf> {

        private final TcpRtcConnection connection;
        private final RtcPacketSink sink;

        FrameHandler(TcpRtcConnection connection, RtcPacketSink sink) {
            this.connection = connection;
            this.sink = sink;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            sink.onRtcPacket(connection, frame, connection.remoteAddress());
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            connection.guard.closed(connection, connection.remoteAddress());
            sink.onRtcSocketClosed(connection);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
