package io.sluice.worker.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.internal.PlatformDependent;
import io.sluice.worker.testsupport.Patience;
import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A worker UDP socket connected to its one remote, on the worker's transport (epoll here, NIO
 * where epoll is unavailable): it sends to that remote without allocating, hears only that remote,
 * still reaches other remotes, and survives the remote's port being closed for a while.
 */
class UdpRtcSocketTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final int MEASURED = 20_000;
    /**
     * Rounds of {@link #MEASURED} sends until one allocates (almost) nothing: the first may load
     * classes and fill Netty's recyclers. With Unsafe the send path has nothing to allocate, even
     * interpreted, so the result does not hang on what C2 compiles, or when.
     */
    private static final int MAX_ROUNDS = 5;
    /** An envelope per send would be 24 B x 20,000 = 480 KB; one-off objects are far smaller. */
    private static final long TOLERATED_BYTES = 16_384;

    private final List<InetSocketAddress> senders = new CopyOnWriteArrayList<>();
    private MultiThreadIoEventLoopGroup group;
    private EventLoop loop;
    private UdpRtcSocket socket;
    private DatagramSocket peer;

    @BeforeEach
    void bind() throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, NetChannels.ioHandlerFactory());
        loop = group.next();
        UdpRtcSocket.Handler handler = UdpRtcSocket.handler(new RtcPacketSink() {
            @Override
            public void onRtcPacket(RtcSocket from, ByteBuf packet, InetSocketAddress remote) {
                senders.add(remote);
            }

            @Override
            public void onRtcSocketClosed(RtcSocket closed) {
            }
        });
        new SocketBinder(loop).bindUdp(LOOPBACK, 0, new PortRange(40000, 49999), handler).sync();
        // The handler joins the pipeline in a listener of the bind, on the loop.
        socket = onLoop(handler::socket);
        peer = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
        peer.setSoTimeout(200);
    }

    @AfterEach
    void close() {
        socket.channel().close().syncUninterruptibly();
        peer.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /**
     * Measured in the worker's configuration: Netty with {@code sun.misc.Unsafe} (the pom's JDK 23+
     * profile and scripts/lib.sh allow it). Without it Netty takes a direct buffer's address
     * through a new {@code MemorySegment} on every send, which C2 removes in some runs and keeps
     * in others (72 B per send in CI), so the test would measure the JIT's inlining luck.
     */
    @Test
    void sendsToItsRemoteWithoutAllocatingPerDatagram() throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        assertThat(PlatformDependent.hasUnsafe())
                .as("Netty has sun.misc.Unsafe, as in the worker (--sun-misc-unsafe-memory-access=allow on JDK 23+)")
                .isTrue();
        InetSocketAddress remote = address(peer);
        onLoop(() -> {
            socket.connect(remote);
            return null;
        });
        assertThat(onLoop(socket::connectedRemote)).isEqualTo(remote);
        // A buffer outside the (paranoid) leak detector, sent again and again: each send takes
        // one reference, which the channel releases once the datagram is out.
        ByteBuf packet = Unpooled.wrappedBuffer(java.nio.ByteBuffer.allocateDirect(1200));
        packet.writerIndex(1200);
        packet.setInt(0, 0x5EED_0001);

        long allocated = Long.MAX_VALUE;
        for (int round = 0; round < MAX_ROUNDS && allocated >= TOLERATED_BYTES; round++) {
            allocated = onLoop(() -> {
                long before = threads.getCurrentThreadAllocatedBytes();
                sendRepeatedly(packet, remote, MEASURED);
                return threads.getCurrentThreadAllocatedBytes() - before;
            });
        }

        assertThat(allocated).as("bytes allocated on the loop over %d sends", MEASURED).isLessThan(TOLERATED_BYTES);
        DatagramPacket first = receive(peer);
        assertThat(first.getLength()).isEqualTo(1200);
        assertThat(java.nio.ByteBuffer.wrap(first.getData()).getInt()).isEqualTo(0x5EED_0001);
        assertThat(first.getPort()).isEqualTo(socket.localAddress().getPort());
        assertThat(packet.refCnt()).isEqualTo(1);
        packet.release();
    }

    @Test
    void hearsOnlyItsRemoteOnceConnected() throws Exception {
        InetSocketAddress remote = address(peer);
        onLoop(() -> {
            socket.connect(remote);
            return null;
        });
        try (DatagramSocket stranger = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            byte[] rtp = {(byte) 0x80, 96, 0, 1};
            InetSocketAddress local = socket.localAddress();
            // Loopback delivers in the sender's system call: had the stranger's datagram been
            // accepted, it would be queued ahead of the peer's.
            stranger.send(new DatagramPacket(rtp, rtp.length, local));
            peer.send(new DatagramPacket(rtp, rtp.length, local));

            await().atMost(Patience.WAIT).until(() -> !senders.isEmpty());
            assertThat(senders).containsExactly(remote);
        }
    }

    @Test
    void stillAddressesDatagramsToOtherRemotes() throws Exception {
        onLoop(() -> {
            socket.connect(address(peer));
            return null;
        });
        try (DatagramSocket other = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            other.setSoTimeout((int) Patience.WAIT.toMillis());
            onLoop(() -> {
                ByteBuf packet = Unpooled.directBuffer(4).writeInt(7);
                socket.send(packet, address(other));
                return null;
            });
            DatagramPacket datagram = receive(other);
            assertThat(datagram.getLength()).isEqualTo(4);
            assertThat(datagram.getPort()).isEqualTo(socket.localAddress().getPort());
        }
    }

    /**
     * ICMP port unreachable comes back to a connected socket as an error on its next send or read
     * (udp(7)): the socket must shrug it off and deliver once the remote listens again.
     */
    @Test
    void keepsSendingAfterItsRemoteWasUnreachable() throws Exception {
        InetSocketAddress remote = address(peer);
        peer.close();
        onLoop(() -> {
            socket.connect(remote);
            return null;
        });
        for (int i = 0; i < 20; i++) {
            onLoop(() -> {
                socket.send(Unpooled.directBuffer(4).writeInt(1), remote);
                return null;
            });
        }
        assertThat(socket.channel().isOpen()).isTrue();

        peer = new DatagramSocket(remote);
        peer.setSoTimeout(200);
        await().atMost(Patience.WAIT).until(() -> {
            onLoop(() -> {
                socket.send(Unpooled.directBuffer(4).writeInt(2), remote);
                return null;
            });
            try {
                DatagramPacket datagram = new DatagramPacket(new byte[16], 16);
                peer.receive(datagram);
                return datagram.getLength() == 4 && java.nio.ByteBuffer.wrap(datagram.getData()).getInt() == 2;
            } catch (SocketTimeoutException e) {
                return false;
            }
        });
    }

    private void sendRepeatedly(ByteBuf packet, InetSocketAddress remote, int count) {
        for (int i = 0; i < count; i++) {
            socket.send(packet.retain(), remote);
        }
    }

    private <T> T onLoop(Callable<T> task) throws Exception {
        return loop.submit(task).get(Patience.WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private static InetSocketAddress address(DatagramSocket socket) {
        return new InetSocketAddress(LOOPBACK, socket.getLocalPort());
    }

    private static DatagramPacket receive(DatagramSocket from) throws Exception {
        from.setSoTimeout((int) Patience.WAIT.toMillis());
        DatagramPacket datagram = new DatagramPacket(new byte[1500], 1500);
        from.receive(datagram);
        return datagram;
    }
}
