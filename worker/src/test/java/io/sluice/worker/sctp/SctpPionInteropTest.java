package io.sluice.worker.sctp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.sluice.worker.net.NetChannels;
import io.sluice.worker.testsupport.Patience;
import io.sluice.worker.time.Clock;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Our association and data channels against pion/sctp and pion/datachannel (Go), which no one
 * here wrote, over real UDP on loopback, with either side sending the INIT: DCEP opens both ways,
 * messages of every size up to 64 KiB, text and binary and empty, echoed both ways; both channels
 * closed by stream resets (pion checks that ours answers its reset of "from-go"; pion may shut
 * down before it confirms ours, so "closed from-go" can also come from the association's end);
 * the association shut down by pion. The script of the exchange is in
 * {@code src/test/go/sctppeer/main.go}.
 *
 * <p>Tagged {@code sctp-interop} (run it alone with {@code -Dsluice.testGroups=sctp-interop}), and
 * part of the default run. pion keeps two reset requests outstanding when it closes both channels
 * at once; refusing the second as out of sequence once left "from-go" open on our side and pion
 * waiting out its 80 s deadline for our answering reset (StreamResetsTest has the case).
 */
@org.junit.jupiter.api.Tag("sctp-interop")
class SctpPionInteropTest {

    private static final int MESSAGES_FROM_GO = 200;
    private static final int MESSAGES_FROM_JAVA = 100;
    private static final int MAX_MESSAGE_SIZE = 65_536;

    /** Unpooled, so that every buffer can be checked for a reference count of 0 at the end; leak detection stays on. */
    private final ByteBufAllocator allocator = new UnpooledByteBufAllocator(false);
    private final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NetChannels.ioHandlerFactory());
    private final List<ByteBuf> datagramsIn = new CopyOnWriteArrayList<>();
    private final List<ByteBuf> payloadsOut = new CopyOnWriteArrayList<>();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final List<byte[]> fromGo = Collections.synchronizedList(new ArrayList<>());
    private final List<Boolean> fromGoText = Collections.synchronizedList(new ArrayList<>());
    private final List<String> echoesFromGo = Collections.synchronizedList(new ArrayList<>());
    private volatile DataChannel javaChannel;
    private volatile InetSocketAddress goAddress;
    private Channel channel;
    private DataChannels dataChannels;
    private PionSctpPeer peer;

    @AfterEach
    void stop() throws InterruptedException {
        if (peer != null) {
            peer.close();
        }
        if (channel != null) {
            channel.eventLoop().submit(() -> dataChannels.association().abort("test over")).sync();
            channel.close().sync();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        for (ByteBuf datagram : datagramsIn) {
            assertThat(datagram.refCnt()).as("a received datagram was released").isZero();
        }
        for (ByteBuf payload : payloadsOut) {
            assertThat(payload.refCnt()).as("a sent payload was released").isZero();
        }
    }

    @ParameterizedTest(name = "pion as {0}")
    @ValueSource(strings = {"client", "server"})
    void rfc8831_section6_dataChannelsWithPionSctpBothWays(String pionRole) throws Exception {
        PionSctpPeer.build();
        EventLoop loop = group.next();
        dataChannels = new DataChannels(SctpConfig.defaults().withMaxMessageSize(MAX_MESSAGE_SIZE, 4 << 20),
                Clock.system(), (task, delay) -> {
                    var future = loop.schedule(task, delay, TimeUnit.MILLISECONDS);
                    return () -> future.cancel(false);
                }, allocator, new SecureRandom(), false, new JavaSide());
        channel = new Bootstrap().group(loop).channel(NetChannels.datagramChannel())
                .option(ChannelOption.ALLOCATOR, allocator)
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket datagram) {
                        datagramsIn.add(datagram.content());
                        goAddress = datagram.sender();
                        dataChannels.onPacket(datagram.content());
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
        int javaPort = ((InetSocketAddress) channel.localAddress()).getPort();

        peer = PionSctpPeer.start(pionRole, javaPort, MESSAGES_FROM_GO,
                Path.of("target/sctppeer/pion-" + pionRole + ".log"));
        InetSocketAddress pion = new InetSocketAddress(InetAddress.getLoopbackAddress(), peer.port());
        goAddress = pion;
        if (pionRole.equals("server")) {
            loop.submit(() -> dataChannels.association().connect()).sync();
        }

        Awaitility.await("association established").atMost(Patience.WAIT)
                .until(() -> events.contains("state ESTABLISHED"));
        loop.submit(this::openJavaChannel).sync();
        try {
            Awaitility.await("the pion peer done").atMost(Patience.WAIT.multipliedBy(2))
                    .until(() -> events.contains("state CLOSED") && peer.log().contains("DONE")
                            || !peer.alive());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("stuck: events " + events + ", " + fromGo.size() + " messages from pion, "
                    + echoesFromGo.size() + " echoes; pion said:\n" + peer.log(), e);
        }

        assertThat(peer.awaitExit()).as("pion's verdict: %s", peer.log()).isZero();
        assertThat(fromGo).hasSize(MESSAGES_FROM_GO);
        for (int i = 0; i < MESSAGES_FROM_GO; i++) {
            assertThat(fromGo.get(i)).as("message %d from pion, in order", i).isEqualTo(goMessage(i));
            assertThat(fromGoText.get(i)).as("message %d text or binary", i).isEqualTo(i % 2 == 0);
        }
        List<String> expectedEchoes = new ArrayList<>();
        for (int i = 0; i < MESSAGES_FROM_JAVA; i++) {
            expectedEchoes.add(describe(javaMessage(i), i % 3 == 0));
        }
        assertThat(echoesFromGo).as("every message pion echoed on the unordered channel")
                .containsExactlyInAnyOrderElementsOf(expectedEchoes);
        assertThat(events).contains("open from-go", "open from-java", "closed from-go", "closed from-java");
        assertThat(dataChannels.association().closeReason()).isEqualTo("shut down");
    }

    private void openJavaChannel() {
        // Reliable, so that every message is echoed whatever a loaded machine drops on loopback;
        // partial reliability under loss is SctpAssociationTest's (deterministic) business.
        javaChannel = dataChannels.open("from-java", "sluice-test", false, Reliability.RELIABLE);
        assertThat(javaChannel).isNotNull();
        assertThat(javaChannel.streamId() % 2).as("odd ids on this side").isEqualTo(1);
        for (int i = 0; i < MESSAGES_FROM_JAVA; i++) {
            ByteBuf payload = allocator.buffer().writeBytes(javaMessage(i));
            payloadsOut.add(payload);
            assertThat(dataChannels.send(javaChannel, i % 3 == 0, payload)).isEqualTo(SendResult.QUEUED);
        }
    }

    /** The Java side: echoes pion's channel, collects the echoes of its own, closes its own once all came back. */
    private final class JavaSide implements DataChannels.Listener {
        @Override
        public void onPacket(ByteBuf packet) {
            channel.writeAndFlush(new DatagramPacket(packet, goAddress));
        }

        @Override
        public void onStateChange(SctpState state) {
            events.add("state " + state);
        }

        @Override
        public void onChannelOpen(DataChannel opened) {
            events.add("open " + opened.label());
        }

        @Override
        public void onMessage(DataChannel from, boolean text, ByteBuf payload) {
            if (from.label().equals("from-go")) {
                fromGo.add(ByteBufUtil.getBytes(payload));
                fromGoText.add(text);
                payloadsOut.add(payload);
                dataChannels.send(from, text, payload);
                return;
            }
            echoesFromGo.add(describe(ByteBufUtil.getBytes(payload), text));
            payload.release();
            if (echoesFromGo.size() == MESSAGES_FROM_JAVA) {
                dataChannels.close(from);
            }
        }

        @Override
        public void onChannelClosed(DataChannel closed) {
            events.add("closed " + closed.label());
        }
    }

    /** As {@code message} in main.go: sizes from empty to 64 KiB, even ones text. */
    private static byte[] goMessage(int i) {
        int[] sizes = {0, 1, 17, 1000, 1200, 1500, 5000, 16384, MAX_MESSAGE_SIZE, 0, 300};
        byte[] payload = new byte[sizes[i % sizes.length]];
        for (int j = 0; j < payload.length; j++) {
            payload[j] = (byte) ('a' + (i + j) % 26);
        }
        return payload;
    }

    private static byte[] javaMessage(int i) {
        int[] sizes = {0, 5, 1100, 1180, 3000, 40_000, MAX_MESSAGE_SIZE};
        byte[] payload = new byte[sizes[i % sizes.length]];
        Arrays.fill(payload, (byte) ('A' + i % 26));
        return payload;
    }

    private static String describe(byte[] payload, boolean text) {
        return (text ? "text " : "binary ") + payload.length + " " + Arrays.hashCode(payload);
    }
}
