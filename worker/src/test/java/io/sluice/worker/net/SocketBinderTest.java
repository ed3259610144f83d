package io.sluice.worker.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.Future;
import io.sluice.worker.testsupport.Patience;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SocketBinderTest {

    private static MultiThreadIoEventLoopGroup group;
    private static EventLoop loop;
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @BeforeAll
    static void startLoop() {
        group = new MultiThreadIoEventLoopGroup(1, NetChannels.ioHandlerFactory());
        loop = group.next();
    }

    @AfterAll
    static void stopLoop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void udpSocketSkipsPortsTakenByOthersAndReceivesOnItsLoop() throws Exception {
        List<DatagramSocket> taken = new ArrayList<>();
        try {
            int first = freeUdpRangeStart(8);
            PortRange range = new PortRange(first, first + 7);
            for (int port = first; port < first + 7; port++) {
                taken.add(new DatagramSocket(new InetSocketAddress(LOOPBACK, port)));
            }
            java.util.concurrent.CompletableFuture<String> received = new java.util.concurrent.CompletableFuture<>();
            Future<Channel> bound = new SocketBinder(loop).bindUdp(LOOPBACK, 0, range,
                    new SimpleChannelInboundHandler<DatagramPacket>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                            received.complete(loop.inEventLoop() + ":" + packet.content().toString(
                                    java.nio.charset.StandardCharsets.US_ASCII));
                        }
                    }).sync();
            Channel channel = bound.getNow();
            int port = ((InetSocketAddress) channel.localAddress()).getPort();
            assertThat(port).isEqualTo(first + 7);
            // UDP promises nothing: send again every 200 ms until one datagram arrives (once seen
            // lost in a full run on a loaded machine).
            try (DatagramSocket sender = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
                byte[] hello = "hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                for (int attempt = 0; attempt < 450 && !received.isDone(); attempt++) {
                    sender.send(new java.net.DatagramPacket(hello, hello.length, LOOPBACK, port));
                    try {
                        received.get(200, TimeUnit.MILLISECONDS);
                    } catch (java.util.concurrent.TimeoutException notYet) {
                        // send again
                    }
                }
            }
            assertThat(received.get(Patience.WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("true:hello");
            channel.close().sync();
        } finally {
            taken.forEach(DatagramSocket::close);
        }
    }

    @Test
    void aFullRangeFailsWithPortUnavailable() throws Exception {
        int first = freeUdpRangeStart(2);
        try (DatagramSocket a = new DatagramSocket(new InetSocketAddress(LOOPBACK, first));
                DatagramSocket b = new DatagramSocket(new InetSocketAddress(LOOPBACK, first + 1))) {
            Future<Channel> bound = new SocketBinder(loop)
                    .bindUdp(LOOPBACK, 0, new PortRange(first, first + 1), new ChannelInboundHandlerAdapter())
                    .await();
            assertThat(bound.isSuccess()).isFalse();
            assertThat(bound.cause()).isInstanceOf(SocketBinder.PortUnavailableException.class)
                    .hasMessageContaining("no free port in " + first + "-" + (first + 1));
        }
    }

    @Test
    void aTakenFixedTcpPortFails() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, LOOPBACK)) {
            Future<Channel> bound = new SocketBinder(loop)
                    .bindTcp(LOOPBACK, taken.getLocalPort(), null, new ChannelInboundHandlerAdapter())
                    .await();
            assertThat(bound.isSuccess()).isFalse();
            assertThat(bound.cause()).hasMessageContaining("port " + taken.getLocalPort() + " is not available");
        }
    }

    @Test
    void tcpListenerAcceptsConnections() throws Exception {
        java.util.concurrent.CompletableFuture<Boolean> accepted = new java.util.concurrent.CompletableFuture<>();
        Channel server = new SocketBinder(loop).bindTcp(LOOPBACK, 0, new PortRange(20000, 60000),
                new io.netty.channel.ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelActive(ChannelHandlerContext ctx) {
                        accepted.complete(ctx.channel().eventLoop() == loop);
                        ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1}));
                            }
                        });
                    }
                }).sync().getNow();
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        try (java.net.Socket client = new java.net.Socket(LOOPBACK, port)) {
            assertThat(client.getInputStream().read()).isEqualTo(1);
        }
        assertThat(accepted.get(Patience.WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        server.close().sync();
    }

    /** The first port of {@code count} consecutive UDP ports that are free now. */
    private static int freeUdpRangeStart(int count) throws Exception {
        for (int attempt = 0; attempt < 100; attempt++) {
            int start;
            try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
                start = probe.getLocalPort();
            }
            if (start + count > 65535) {
                continue;
            }
            List<DatagramSocket> sockets = new ArrayList<>();
            boolean free = true;
            try {
                for (int port = start; port < start + count; port++) {
                    sockets.add(new DatagramSocket(new InetSocketAddress(LOOPBACK, port)));
                }
            } catch (java.net.SocketException e) {
                free = false;
            } finally {
                sockets.forEach(DatagramSocket::close);
            }
            if (free) {
                return start;
            }
        }
        throw new IllegalStateException("no free UDP range of " + count);
    }
}
