package io.sluice.worker.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.sluice.worker.ice.TransportTuple;
import java.net.InetSocketAddress;

/** A bound UDP socket: every datagram goes to its {@link RtcPacketSink}. */
public final class UdpRtcSocket extends RtcSocket {

    private UdpRtcSocket(Channel channel) {
        super(channel);
    }

    /**
     * The handler that turns a bound datagram channel into an {@link UdpRtcSocket} feeding
     * {@code sink}; pass it to {@link SocketBinder#bindUdp}, then take the socket with {@link Handler#socket()}.
     */
    public static Handler handler(RtcPacketSink sink) {
        return new Handler(sink);
    }

    @Override
    public TransportTuple.Protocol protocol() {
        return TransportTuple.Protocol.UDP;
    }

    @Override
    protected void write(ByteBuf packet, InetSocketAddress remote) {
        channel.write(new DatagramPacket(packet, remote), channel.voidPromise());
    }

    /** Delivers each datagram's content (released after the sink returns) with its sender. */
    public static final class Handler extends SimpleChannelInboundHandler<DatagramPacket> {

        private final RtcPacketSink sink;
        private UdpRtcSocket socket;

        private Handler(RtcPacketSink sink) {
            this.sink = sink;
        }

        public UdpRtcSocket socket() {
            return socket;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            socket = new UdpRtcSocket(ctx.channel());
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            sink.onRtcPacket(socket, packet.content(), packet.sender());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // ICMP port unreachable and the like: a peer went away; the socket serves on.
        }
    }
}
