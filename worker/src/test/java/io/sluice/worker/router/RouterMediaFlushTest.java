package io.sluice.worker.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.sluice.worker.router.observer.RtpObservers;
import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.RtcpFeedback;
import io.sluice.api.v1.RtcpParameters;
import io.sluice.api.v1.RtpCapabilities;
import io.sluice.api.v1.RtpCodecCapability;
import io.sluice.api.v1.RtpCodecParameters;
import io.sluice.api.v1.RtpEncodingParameters;
import io.sluice.api.v1.RtpParameters;
import io.sluice.worker.bwe.SendSideBandwidthEstimator;
import io.sluice.worker.time.Clock;
import io.sluice.worker.net.RtcPacketSink;
import io.sluice.worker.net.RtcSocket;
import io.sluice.worker.net.UdpRtcSocket;
import io.sluice.worker.testsupport.ApiOrtc;
import io.sluice.worker.router.ortc.RtpMapping;
import io.sluice.worker.rtcp.FeedbackRtpNack;
import io.sluice.worker.rtp.RtpPacket;
import io.sluice.worker.testsupport.TestClock;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import java.util.Map;

/**
 * The router's fan-out flushes each socket it wrote to once per producer packet: three consumers
 * whose transport shares one UDP socket (as on a WebRTC server's port) and one on a socket of its
 * own, over Netty pipelines that count flushes and pass messages on only when flushed.
 */
class RouterMediaFlushTest {

    private static final long PRODUCER_SSRC = 0x11223344L;
    private static final int PRODUCER_PT = 101;

    /** Counts the flushes that reach the head of the pipeline. */
    private static final class FlushCounter extends ChannelOutboundHandlerAdapter {
        int flushes;

        @Override
        public void flush(ChannelHandlerContext ctx) {
            flushes++;
            ctx.flush();
        }
    }

    /** A transport that sends over one socket, without SRTP. */
    private static final class SocketTransport implements MediaTransport {
        final SendSideBandwidthEstimator bandwidthEstimator = SendSideBandwidthEstimator.withDefaults(Clock.system());
        final LoopCounters counters = new LoopCounters();
        final UdpRtcSocket socket;
        final FlushCounter counter = new FlushCounter();
        final EmbeddedChannel channel;

        SocketTransport() {
            UdpRtcSocket.Handler handler = UdpRtcSocket.handler(new RtcPacketSink() {
                @Override
                public void onRtcPacket(RtcSocket socket, ByteBuf packet, InetSocketAddress remote) {
                }

                @Override
                public void onRtcSocketClosed(RtcSocket socket) {
                }
            });
            channel = new EmbeddedChannel(counter, handler);
            socket = handler.socket();
        }

        @Override
        public String id() {
            return "t" + System.identityHashCode(this);
        }

        @Override
        public Router router() {
            return null;
        }

        @Override
        public boolean closed() {
            return false;
        }

        @Override
        public void sendRtp(ByteBuf packet) {
            socket.send(packet, new InetSocketAddress("127.0.0.1", 40000));
        }

        @Override
        public void sendRtcp(ByteBuf packet) {
            sendRtp(packet);
        }

        @Override
        public SendSideBandwidthEstimator bandwidthEstimator() {
            return bandwidthEstimator;
        }

        @Override
        public LoopCounters loopCounters() {
            return counters;
        }

        @Override
        public int srtpOverhead() {
            return 0;
        }

        int sentDatagrams() {
            int count = 0;
            for (Object message; (message = channel.readOutbound()) != null; count++) {
                ((DatagramPacket) message).release();
            }
            return count;
        }
    }

    private final PooledByteBufAllocator allocator = new PooledByteBufAllocator(true);
    private final TestClock clock = new TestClock(1000, TestClock.DEFAULT_EPOCH_MILLIS);
    private final SimpleConsumerTest.RecordingTransport sending = new SimpleConsumerTest.RecordingTransport(0);
    private final SocketTransport shared = new SocketTransport();
    private final SocketTransport own = new SocketTransport();
    private final List<Consumer> consumers = new ArrayList<>();
    private final List<ByteBuf> incoming = new ArrayList<>();
    private final RouterMedia media = new RouterMedia(EntityEvents.NONE,
            new RtpObservers("router", new EmbeddedChannel().eventLoop(), clock, EntityEvents.NONE), new LoopOverload());
    private Producer producer;

    @BeforeEach
    void createProducerAndConsumers() throws Exception {
        RtpCapabilities router = ApiOrtc.generateRouterRtpCapabilities(List.of(RtpCodecCapability.newBuilder()
                .setKind(MediaKind.VIDEO).setMimeType("video/VP8").setClockRate(90000).build()));
        RtpParameters parameters = ApiOrtc.validateRtpParameters(RtpParameters.newBuilder()
                .addCodecs(RtpCodecParameters.newBuilder().setMimeType("video/VP8").setPayloadType(PRODUCER_PT)
                        .setClockRate(90000).addRtcpFeedback(RtcpFeedback.newBuilder().setType("nack")))
                .addEncodings(RtpEncodingParameters.newBuilder().setSsrc((int) PRODUCER_SSRC))
                .setRtcp(RtcpParameters.newBuilder().setCname("test"))
                .build());
        RtpMapping mapping = ApiOrtc.getProducerRtpParametersMapping(parameters, router, new SplittableRandom(1));
        RtpParameters consumable = ApiOrtc.getConsumableRtpParameters(MediaKind.VIDEO, parameters, router, mapping);
        producer = new Producer("p", ApiOrtc.domain(MediaKind.VIDEO), sending, ApiOrtc.domain(parameters), mapping, ApiOrtc.domain(consumable), false,
                Map.of(), media, clock, allocator);
        media.addProducer(producer);
        for (int i = 0; i < 4; i++) {
            RtpParameters own = ApiOrtc.getConsumerRtpParameters(consumable, router, false, true, new SplittableRandom(i));
            Consumer consumer = new SimpleConsumer("c" + i, producer, i < 3 ? shared : this.own, ApiOrtc.domain(own), false,
                    Map.of(), clock, allocator);
            consumers.add(consumer);
            media.addConsumer(consumer);
        }
    }

    @AfterEach
    void releaseEverything() {
        consumers.forEach(Consumer::close);
        sending.releaseAll();
        shared.sentDatagrams();
        own.sentDatagrams();
        assertThat(shared.channel.finish()).isFalse();
        assertThat(own.channel.finish()).isFalse();
        incoming.forEach(ByteBuf::release);
    }

    private void receive(int sequenceNumber) {
        ByteBuf buf = Unpooled.buffer();
        buf.writeByte(0x80).writeByte(PRODUCER_PT).writeShort(sequenceNumber);
        buf.writeInt(3000 * sequenceNumber).writeInt((int) PRODUCER_SSRC);
        buf.writeLong(sequenceNumber);
        incoming.add(buf);
        RtpPacket view = new RtpPacket();
        assertThat(view.wrap(buf)).isTrue();
        assertThat(producer.receive(view)).isTrue();
    }

    @Test
    void eachSocketIsFlushedOncePerForwardedPacket() {
        receive(1);
        assertThat(shared.counter.flushes).isEqualTo(1);
        assertThat(own.counter.flushes).isEqualTo(1);
        assertThat(shared.sentDatagrams()).as("all three consumers' packets, in one flush").isEqualTo(3);
        assertThat(own.sentDatagrams()).isEqualTo(1);
        receive(2);
        receive(3);
        assertThat(shared.counter.flushes).isEqualTo(3);
        assertThat(own.counter.flushes).isEqualTo(3);
        assertThat(shared.sentDatagrams()).isEqualTo(6);
    }

    @Test
    void nothingIsLeftUnflushedAfterTheFanOut() {
        receive(1);
        consumers.get(0).pause();
        receive(2);
        assertThat(shared.sentDatagrams()).isEqualTo(3 + 2);
        assertThat(own.sentDatagrams()).isEqualTo(2);
        assertThat(shared.channel.unsafe().outboundBuffer().totalPendingWriteBytes()).isZero();
    }

    @Test
    void theResendsOneNackAsksForLeaveInOneFlush() {
        TransportMedia sharedMedia = new TransportMedia(shared);
        consumers.subList(0, 3).forEach(sharedMedia::addConsumer);
        for (int sequenceNumber = 1; sequenceNumber <= 4; sequenceNumber++) {
            receive(sequenceNumber);
        }
        shared.sentDatagrams();
        int flushesBefore = shared.counter.flushes;
        Consumer first = consumers.get(0);
        FeedbackRtpNack nack = FeedbackRtpNack.ofLostSequenceNumbers(1, first.ssrc(), new int[] {1, 2, 3});
        ByteBuf rtcp = Unpooled.buffer(nack.serializedLength());
        nack.writeTo(rtcp);
        sharedMedia.onRtcp(rtcp);
        rtcp.release();
        assertThat(first.retransmittedPackets()).isEqualTo(3);
        assertThat(shared.counter.flushes - flushesBefore).isEqualTo(1);
        assertThat(shared.sentDatagrams()).isEqualTo(3);
    }
}
