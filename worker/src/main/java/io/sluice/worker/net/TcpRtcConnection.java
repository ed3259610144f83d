package io.sluice.worker.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.sluice.worker.ice.TransportTuple;
import java.net.InetSocketAddress;
import java.util.function.Supplier;

/**
 * One accepted ICE-TCP connection (RFC 6544, passive), framed as RFC 4571: each frame is one
 * STUN, DTLS, RTP or RTCP packet for the {@link RtcPacketSink}.
 */
public final class TcpRtcConnection extends RtcSocket {

    private TcpRtcConnection(Channel channel) {
        super(channel);
    }

    /** The child handler for {@link SocketBinder#bindTcp}: frames every accepted connection for {@code sink}. */
    public static ChannelInitializer<Channel> initializer(Supplier<RtcPacketSink> sink) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                channel.pipeline().addLast(new Rfc4571FrameDecoder(), new Rfc4571FrameEncoder(),
                        new FrameHandler(new TcpRtcConnection(channel), sink.get()));
            }
        };
    }

    @Override
    public TransportTuple.Protocol protocol() {
        return TransportTuple.Protocol.TCP;
    }

    public InetSocketAddress remoteAddress() {
        return (InetSocketAddress) channel.remoteAddress();
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
            sink.onRtcSocketClosed(connection);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
