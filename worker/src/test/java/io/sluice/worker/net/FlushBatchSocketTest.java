package io.sluice.worker.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.sluice.worker.testsupport.Patience;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A batch on a real UDP socket of the worker's transport (epoll here, NIO where epoll is
 * unavailable): datagrams to several remotes, written during one batch and flushed once (with
 * epoll, in one {@code sendmmsg}), all arrive, each with its own bytes and in order.
 */
class FlushBatchSocketTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final int PER_REMOTE = 5;

    private final List<DatagramSocket> receivers = new ArrayList<>();
    private MultiThreadIoEventLoopGroup group;
    private EventLoop loop;
    private Channel channel;

    /** Counts the flushes that reach the head of the pipeline. */
    private static final class FlushCounter extends ChannelOutboundHandlerAdapter {
        volatile int flushes;

        @Override
        public void flush(ChannelHandlerContext ctx) {
            flushes++;
            ctx.flush();
        }
    }

    @BeforeEach
    void startLoop() {
        group = new MultiThreadIoEventLoopGroup(1, NetChannels.ioHandlerFactory());
        loop = group.next();
    }

    @AfterEach
    void stop() throws Exception {
        if (channel != null) {
            channel.close().sync();
        }
        receivers.forEach(DatagramSocket::close);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void datagramsToSeveralRemotesWrittenInOneBatchAllArriveAfterOneFlush() throws Exception {
        FlushCounter counter = new FlushCounter();
        UdpRtcSocket.Handler handler = UdpRtcSocket.handler(new RtcPacketSink() {
            @Override
            public void onRtcPacket(RtcSocket socket, ByteBuf packet, InetSocketAddress remote) {
            }

            @Override
            public void onRtcSocketClosed(RtcSocket socket) {
            }
        });
        int port;
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            port = probe.getLocalPort();
        }
        channel = new SocketBinder(loop).bindUdp(LOOPBACK, port, null, new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(counter, handler);
            }
        }).sync().getNow();
        List<InetSocketAddress> remotes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            DatagramSocket receiver = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
            receiver.setSoTimeout(5000);
            receivers.add(receiver);
            remotes.add(new InetSocketAddress(LOOPBACK, receiver.getLocalPort()));
        }

        CompletableFuture<Integer> flushesBeforeClose = new CompletableFuture<>();
        loop.execute(() -> {
            FlushBatch batch = FlushBatch.current();
            batch.open();
            for (int n = 0; n < PER_REMOTE; n++) {
                for (int r = 0; r < remotes.size(); r++) {
                    ByteBuf packet = PooledByteBufAllocator.DEFAULT.directBuffer(64);
                    packet.writeInt(r).writeInt(n).writeZero(56);
                    handler.socket().send(packet, remotes.get(r));
                }
            }
            flushesBeforeClose.complete(counter.flushes);
            batch.close();
        });

        assertThat(flushesBeforeClose.get(Patience.WAIT.toSeconds(), TimeUnit.SECONDS)).isZero();
        for (int r = 0; r < receivers.size(); r++) {
            for (int n = 0; n < PER_REMOTE; n++) {
                DatagramPacket datagram = new DatagramPacket(new byte[128], 128);
                receivers.get(r).receive(datagram);
                java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap(datagram.getData(), 0, datagram.getLength());
                assertThat(datagram.getLength()).isEqualTo(64);
                assertThat(bytes.getInt()).as("remote").isEqualTo(r);
                assertThat(bytes.getInt()).as("order").isEqualTo(n);
                assertThat(datagram.getPort()).isEqualTo(port);
            }
        }
        assertThat(counter.flushes).as("one flush for the whole batch").isEqualTo(1);
    }
}
