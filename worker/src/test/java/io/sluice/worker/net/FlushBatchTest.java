package io.sluice.worker.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Sends outside a batch are flushed at once; inside one they are written and each socket is
 * flushed once when the outermost batch closes. Real channel pipelines (Netty's EmbeddedChannel,
 * which hands messages on only when flushed) with a handler counting flushes.
 */
class FlushBatchTest {

    private static final InetSocketAddress REMOTE = new InetSocketAddress("127.0.0.1", 40000);

    /** Counts the flushes that reach the head of the pipeline. */
    private static final class FlushCounter extends ChannelOutboundHandlerAdapter {
        int flushes;

        @Override
        public void flush(ChannelHandlerContext ctx) {
            flushes++;
            ctx.flush();
        }
    }

    private static final RtcPacketSink NO_SINK = new RtcPacketSink() {
        @Override
        public void onRtcPacket(RtcSocket socket, ByteBuf packet, InetSocketAddress remote) {
        }

        @Override
        public void onRtcSocketClosed(RtcSocket socket) {
        }
    };

    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private final List<ByteBuf> sent = new ArrayList<>();

    private record Socket(UdpRtcSocket socket, EmbeddedChannel channel, FlushCounter counter) {
        int outbound() {
            return channel.outboundMessages().size();
        }
    }

    private Socket socket() {
        FlushCounter counter = new FlushCounter();
        UdpRtcSocket.Handler handler = UdpRtcSocket.handler(NO_SINK);
        EmbeddedChannel channel = new EmbeddedChannel(counter, handler);
        channels.add(channel);
        return new Socket(handler.socket(), channel, counter);
    }

    private ByteBuf packet() {
        ByteBuf packet = Unpooled.directBuffer(16).writeLong(1).writeLong(2);
        sent.add(packet);
        return packet;
    }

    @AfterEach
    void releaseEverything() {
        for (EmbeddedChannel channel : channels) {
            for (Object message; (message = channel.readOutbound()) != null; ) {
                ((DatagramPacket) message).release();
            }
            assertThat(channel.finish()).isFalse();
        }
        assertThat(sent).allSatisfy(buf -> assertThat(buf.refCnt()).isZero());
    }

    @Test
    void outsideABatchEverySendIsFlushedAtOnce() {
        Socket socket = socket();
        socket.socket().send(packet(), REMOTE);
        assertThat(socket.counter().flushes).isEqualTo(1);
        assertThat(socket.outbound()).isEqualTo(1);
        socket.socket().send(packet(), REMOTE);
        assertThat(socket.counter().flushes).isEqualTo(2);
        assertThat(socket.outbound()).isEqualTo(2);
    }

    @Test
    void insideABatchEachSocketIsFlushedOnceWhenItCloses() {
        Socket shared = socket();
        Socket other = socket();
        Socket untouched = socket();
        FlushBatch batch = FlushBatch.current();
        batch.open();
        for (int i = 0; i < 3; i++) {
            shared.socket().send(packet(), REMOTE);
        }
        other.socket().send(packet(), REMOTE);
        assertThat(shared.counter().flushes + other.counter().flushes).isZero();
        assertThat(shared.outbound()).as("written, not flushed").isZero();
        batch.close();
        assertThat(shared.counter().flushes).isEqualTo(1);
        assertThat(shared.outbound()).isEqualTo(3);
        assertThat(other.counter().flushes).isEqualTo(1);
        assertThat(other.outbound()).isEqualTo(1);
        assertThat(untouched.counter().flushes).isZero();

        shared.socket().send(packet(), REMOTE);
        assertThat(shared.counter().flushes).as("the batch is closed: flushed at once").isEqualTo(2);
    }

    @Test
    void nestedBatchesFlushWhenTheOutermostCloses() {
        Socket socket = socket();
        FlushBatch batch = FlushBatch.current();
        batch.open();
        batch.open();
        socket.socket().send(packet(), REMOTE);
        batch.close();
        assertThat(socket.counter().flushes).isZero();
        batch.close();
        assertThat(socket.counter().flushes).isEqualTo(1);
        batch.close();
        assertThat(socket.counter().flushes).as("an extra close does nothing").isEqualTo(1);
    }

    @Test
    void aSocketSeenAgainInTheNextBatchIsFlushedAgain() {
        Socket socket = socket();
        FlushBatch batch = FlushBatch.current();
        for (int round = 1; round <= 3; round++) {
            batch.open();
            socket.socket().send(packet(), REMOTE);
            socket.socket().send(packet(), REMOTE);
            batch.close();
            assertThat(socket.counter().flushes).isEqualTo(round);
        }
        assertThat(socket.outbound()).isEqualTo(6);
    }
}
