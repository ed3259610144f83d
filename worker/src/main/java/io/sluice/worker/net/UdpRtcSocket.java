package io.sluice.worker.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.sluice.worker.ice.TransportTuple;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bound UDP socket: every datagram goes to its {@link RtcPacketSink}.
 *
 * <p>A socket that only ever talks to one remote (a plain transport once its remote is known) can
 * be {@link #connect connected} to it: datagrams to that remote are then written as the bare
 * {@code ByteBuf} and leave with {@code send(2)}, with no {@code DatagramPacket} envelope and no
 * per-send address conversion in Netty's native {@code sendto} path (about 80 bytes allocated per
 * datagram otherwise), and received ones skip the sender-address objects. The kernel then
 * delivers only that remote's datagrams (udp(7)): another sender's are dropped before the loop
 * sees them, and it gets an ICMP port unreachable.
 */
public final class UdpRtcSocket extends RtcSocket {

    private static final Logger log = LoggerFactory.getLogger(UdpRtcSocket.class);

    /** The remote this socket is connected to; null while it is not. */
    private InetSocketAddress connectedRemote;

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

    /**
     * Connects the socket to {@code remote}, once, on its event loop, where a datagram socket's
     * connect completes at once. Should the kernel refuse (an IPv6 remote on an IPv4 socket), the
     * socket stays unconnected and keeps addressing each datagram.
     */
    public void connect(InetSocketAddress remote) {
        assert channel.eventLoop().inEventLoop();
        if (connectedRemote != null) {
            return;
        }
        channel.connect(remote).addListener(future -> {
            if (future.isSuccess()) {
                connectedRemote = remote;
            } else {
                log.warn("{}: not connected to {} ({}); datagrams stay addressed one by one",
                        this, remote, future.cause().toString());
            }
        });
    }

    /** The remote the socket is connected to, or null. */
    public InetSocketAddress connectedRemote() {
        return connectedRemote;
    }

    @Override
    protected void write(ByteBuf packet, InetSocketAddress remote) {
        if (remote == connectedRemote || remote.equals(connectedRemote)) {
            channel.write(packet, channel.voidPromise());
        } else {
            channel.write(new DatagramPacket(packet, remote), channel.voidPromise());
        }
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
            // ICMP port unreachable and the like (on a connected socket as a PortUnreachableException
            // from a read or a send): a peer went away or is not there yet; the socket serves on.
        }
    }
}
