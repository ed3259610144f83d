package io.sluice.worker.ice;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.sluice.worker.ice.TransportTuple.Protocol;
import io.sluice.worker.net.PacketClassifier;
import io.sluice.worker.net.Rfc4571FrameDecoder;
import io.sluice.worker.net.Rfc4571FrameEncoder;
import io.sluice.worker.testsupport.Patience;
import io.sluice.worker.testsupport.TestClock;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ICE-lite agent behind real Netty sockets on 127.0.0.1: a UDP socket (RFC 8445) and an
 * ICE-TCP passive socket with RFC 4571 framing (RFC 6544), checked by a plain Java client.
 */
class IceServerLoopbackTest {

    private static final int UDP_SOCKET_ID = 1;
    private static final int TCP_CONNECTION_ID = 2;

    private final EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final TestClock clock = new TestClock();
    private IceServer server;
    private Channel udp;
    private Channel tcpServer;
    private volatile Channel tcpConnection;

    @BeforeEach
    void start() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        server = loop.submit(() -> new IceServer(new SocketListener(), PooledByteBufAllocator.DEFAULT, clock, new SplittableRandom(6544),
                StunRateLimiter.perTransport(), IceServer.Options.defaults())).get(Patience.WAIT.toSeconds(), TimeUnit.SECONDS);
        udp = new Bootstrap().group(loop).channel(NioDatagramChannel.class)
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                        assertThat(ctx.channel().eventLoop().inEventLoop()).isTrue();
                        if (PacketClassifier.isStun(packet.content())) {
                            server.processStunPacket(packet.content(), UDP_SOCKET_ID, packet.sender(), Protocol.UDP);
                        }
                    }
                })
                .bind(loopback, 0).sync().channel();
        tcpServer = new ServerBootstrap().group(loop).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        tcpConnection = channel;
                        channel.pipeline().addLast(new Rfc4571FrameEncoder(), new Rfc4571FrameDecoder(),
                                new SimpleChannelInboundHandler<ByteBuf>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
                                        server.processStunPacket(frame, TCP_CONNECTION_ID,
                                                (InetSocketAddress) ctx.channel().remoteAddress(), Protocol.TCP);
                                    }
                                });
                    }
                })
                .bind(loopback, 0).sync().channel();
    }

    /** Sends responses where they belong: the UDP socket, or the ICE-TCP connection. */
    private final class SocketListener implements IceServer.Listener {
        @Override
        public void onStunResponse(ByteBuf response, TransportTuple tuple) {
            if (tuple.protocol() == Protocol.UDP) {
                udp.writeAndFlush(new DatagramPacket(response, tuple.remoteAddress()));
            } else {
                tcpConnection.writeAndFlush(response);
            }
        }

        @Override
        public void onIceStateChanged(IceState state) {}

        @Override
        public void onSelectedTupleChanged(TransportTuple tuple) {}

        @Override
        public void onTupleAdded(TransportTuple tuple) {}

        @Override
        public void onTupleRemoved(TransportTuple tuple) {}

        @Override
        public void onLocalUsernameFragmentAdded(String usernameFragment) {}

        @Override
        public void onLocalUsernameFragmentRemoved(String usernameFragment) {}
    }

    @AfterEach
    void stop() throws Exception {
        udp.close().sync();
        tcpServer.close().sync();
        if (tcpConnection != null) {
            tcpConnection.close().sync();
        }
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    @Test
    void aUdpCheckIsAnsweredWithTheSourceAddress() throws Exception {
        try (java.net.DatagramSocket client = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            client.setSoTimeout(5_000);
            byte[] check = bytes(BindingCheck.to(onLoop(() -> server.credentials())).useCandidate().build());
            client.send(new java.net.DatagramPacket(check, check.length, udp.localAddress()));
            java.net.DatagramPacket received = new java.net.DatagramPacket(new byte[1500], 1500);
            client.receive(received);

            byte[] response = Arrays.copyOf(received.getData(), received.getLength());
            assertVerifiedResponse(response, check, (InetSocketAddress) client.getLocalSocketAddress());
            assertThat(onLoop(() -> server.state())).isEqualTo(IceState.COMPLETED);
            assertThat(onLoop(() -> server.selectedTuple().remoteAddress())).isEqualTo(client.getLocalSocketAddress());
        }
    }

    @Test
    void rfc4571_section2_anIceTcpCheckIsAnsweredInALengthPrefixedFrame() throws Exception {
        try (Socket client = new Socket()) {
            client.setSoTimeout(5_000);
            client.connect(tcpServer.localAddress(), 5_000);
            byte[] check = bytes(BindingCheck.to(onLoop(() -> server.credentials())).build());
            DataOutputStream out = new DataOutputStream(client.getOutputStream());
            // Two checks in one write: the decoder must split them.
            out.writeShort(check.length);
            out.write(check);
            out.writeShort(check.length);
            out.write(check);
            out.flush();

            DataInputStream in = new DataInputStream(client.getInputStream());
            for (int i = 0; i < 2; i++) {
                byte[] response = new byte[in.readUnsignedShort()];
                in.readFully(response);
                assertVerifiedResponse(response, check, (InetSocketAddress) client.getLocalSocketAddress());
            }
            assertThat(onLoop(() -> server.state())).isEqualTo(IceState.CONNECTED);
            assertThat(onLoop(() -> server.selectedTuple().protocol())).isEqualTo(Protocol.TCP);
        }
    }

    private void assertVerifiedResponse(byte[] response, byte[] check, InetSocketAddress client) throws Exception {
        ByteBuf buf = Unpooled.wrappedBuffer(response);
        StunMessage message = StunMessage.parse(buf);
        assertThat(message).isNotNull();
        assertThat(message.messageClass()).isEqualTo(StunMessage.CLASS_SUCCESS_RESPONSE);
        assertThat(Arrays.copyOfRange(response, 8, 20)).isEqualTo(Arrays.copyOfRange(check, 8, 20));
        assertThat(message.xorMappedAddress()).isEqualTo(client);
        String password = onLoop(() -> server.password());
        assertThat(message.isMessageIntegrityValid(StunMessage.newShortTermMac(password))).isTrue();
        assertThat(message.isFingerprintValid()).isTrue();
        buf.release();
    }

    private <T> T onLoop(java.util.concurrent.Callable<T> task) throws Exception {
        return loop.submit(task).get(Patience.WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private static byte[] bytes(ByteBuf buf) {
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }
}
