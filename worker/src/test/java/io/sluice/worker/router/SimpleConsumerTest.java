package io.sluice.worker.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.RtcpParameters;
import io.sluice.api.v1.RtpCapabilities;
import io.sluice.api.v1.RtpCodecCapability;
import io.sluice.api.v1.RtpCodecParameters;
import io.sluice.api.v1.RtpEncodingParameters;
import io.sluice.api.v1.RtpHeaderExtensionParameters;
import io.sluice.api.v1.RtpParameters;
import io.sluice.worker.control.mapping.ProducerMapper;
import io.sluice.worker.control.mapping.StatsMapper;
import io.sluice.worker.bwe.SendSideBandwidthEstimator;
import io.sluice.worker.time.Clock;
import io.sluice.worker.testsupport.ApiOrtc;
import io.sluice.worker.router.ortc.RtpHeaderExtensionUris;
import io.sluice.worker.router.ortc.RtpMapping;
import io.sluice.worker.rtcp.FeedbackPsFir;
import io.sluice.worker.rtcp.FeedbackPsPli;
import io.sluice.worker.rtp.RtpPacket;
import io.sluice.worker.testsupport.TestClock;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import java.util.Map;

/**
 * A producer, the router's fan-out and simple consumers over fake transports that keep what they
 * are given, with a clock the test advances: rewriting, pause/resume continuity (RFC 3550 §5.1),
 * key-frame requests (RFC 4585 §6.3.1, RFC 5104 §4.3.1) and their throttle, buffer ownership.
 */
class SimpleConsumerTest {

    private static final long PRODUCER_SSRC = 0x11223344L;
    private static final int PRODUCER_PT = 101;
    private static final int PRODUCER_ABS_SEND_TIME_ID = 3;
    private static final int PRODUCER_TOFFSET_ID = 7;

    /** A transport that keeps what it is asked to send; the test releases it. */
    static final class RecordingTransport implements MediaTransport {
        final SendSideBandwidthEstimator bandwidthEstimator = SendSideBandwidthEstimator.withDefaults(Clock.system());
        final LoopCounters counters = new LoopCounters();
        final List<ByteBuf> rtp = new ArrayList<>();
        final List<ByteBuf> rtcp = new ArrayList<>();
        final int overhead;
        /** The wait it reports for a received packet; null: the stream's own estimate, as most transports. */
        Long reportedInputDelayMs;

        RecordingTransport(int overhead) {
            this.overhead = overhead;
        }

        @Override
        public long inputDelayMs(Producer producer, int stream) {
            return reportedInputDelayMs != null ? reportedInputDelayMs
                    : MediaTransport.super.inputDelayMs(producer, stream);
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
            assertThat(packet.writableBytes()).as("room for the SRTP tag").isGreaterThanOrEqualTo(overhead);
            rtp.add(packet);
        }

        @Override
        public void sendRtcp(ByteBuf packet) {
            rtcp.add(packet);
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
            return overhead;
        }

        void releaseAll() {
            rtp.forEach(ByteBuf::release);
            rtcp.forEach(ByteBuf::release);
            rtp.clear();
            rtcp.clear();
        }
    }

    /** The router side of a producer: fans out to the consumers given. */
    static final class FanOut implements Producer.Listener {
        final List<Consumer> consumers = new ArrayList<>();

        @Override
        public void onProducerRtp(Producer producer, int stream, RtpPacket packet) {
            consumers.forEach(consumer -> consumer.send(stream, packet));
        }

        @Override
        public void onProducerPaused(Producer producer) {
            consumers.forEach(Consumer::onProducerPaused);
        }

        @Override
        public void onProducerResumed(Producer producer) {
            consumers.forEach(Consumer::onProducerResumed);
        }
    }

    private final TestClock clock = new TestClock(1_000_000, TestClock.DEFAULT_EPOCH_MILLIS);
    private final RecordingTransport sending = new RecordingTransport(0);
    private final RecordingTransport receiving = new RecordingTransport(14);
    private final FanOut fanOut = new FanOut();
    private final List<ByteBuf> incoming = new ArrayList<>();
    private RtpCapabilities routerCapabilities;
    private Producer producer;
    private SimpleConsumer consumer;
    private TransportMedia receivingMedia;

    @BeforeEach
    void createProducerAndConsumer() throws Exception {
        routerCapabilities = ApiOrtc.generateRouterRtpCapabilities(List.of(RtpCodecCapability.newBuilder()
                .setKind(MediaKind.VIDEO).setMimeType("video/VP8").setClockRate(90000).build()));
        RtpParameters parameters = ApiOrtc.validateRtpParameters(RtpParameters.newBuilder()
                .addCodecs(RtpCodecParameters.newBuilder().setMimeType("video/VP8").setPayloadType(PRODUCER_PT)
                        .setClockRate(90000))
                .addHeaderExtensions(RtpHeaderExtensionParameters.newBuilder()
                        .setUri(RtpHeaderExtensionUris.ABS_SEND_TIME).setId(PRODUCER_ABS_SEND_TIME_ID))
                .addHeaderExtensions(RtpHeaderExtensionParameters.newBuilder()
                        .setUri(RtpHeaderExtensionUris.TOFFSET).setId(PRODUCER_TOFFSET_ID))
                .addEncodings(RtpEncodingParameters.newBuilder().setSsrc((int) PRODUCER_SSRC))
                .setRtcp(RtcpParameters.newBuilder().setCname("test"))
                .build());
        RtpMapping mapping = ApiOrtc.getProducerRtpParametersMapping(parameters, routerCapabilities, new SplittableRandom(1));
        RtpParameters consumable = ApiOrtc.getConsumableRtpParameters(MediaKind.VIDEO, parameters, routerCapabilities, mapping);
        producer = new Producer("p", ApiOrtc.domain(MediaKind.VIDEO), sending, ApiOrtc.domain(parameters), mapping, ApiOrtc.domain(consumable), false,
                Map.of(), fanOut, clock, ByteBufAllocator.DEFAULT);
        consumer = newConsumer("c", routerCapabilities);
        receivingMedia = new TransportMedia(receiving);
        receivingMedia.addConsumer(consumer);
    }

    private SimpleConsumer newConsumer(String id, RtpCapabilities capabilities) throws Exception {
        RtpParameters parameters = ApiOrtc.getConsumerRtpParameters(ApiOrtc.api(producer.consumableRtpParameters()), capabilities,
                false, false, new SplittableRandom(2));
        SimpleConsumer created = new SimpleConsumer(id, producer, receiving, ApiOrtc.domain(parameters), false,
                Map.of(), clock, ByteBufAllocator.DEFAULT);
        fanOut.consumers.add(created);
        return created;
    }

    @AfterEach
    void releaseEverything() {
        List<ByteBuf> all = new ArrayList<>(incoming);
        all.addAll(sending.rtp);
        all.addAll(sending.rtcp);
        all.addAll(receiving.rtp);
        all.addAll(receiving.rtcp);
        sending.releaseAll();
        receiving.releaseAll();
        incoming.forEach(ByteBuf::release);
        assertThat(all).allSatisfy(buf -> assertThat(buf.refCnt()).isZero());
    }

    /** An RTP packet (RFC 3550 §5.1) with abs-send-time and toffset in the one-byte form (RFC 8285 §4.2). */
    private ByteBuf packet(long ssrc, int payloadType, int sequenceNumber, long timestamp) {
        ByteBuf buf = Unpooled.buffer();
        buf.writeByte(0x90);                                 // V=2, X=1
        buf.writeByte(payloadType);                          // M=0, PT
        buf.writeShort(sequenceNumber);
        buf.writeInt((int) timestamp);
        buf.writeInt((int) ssrc);
        buf.writeShort(0xBEDE).writeShort(2);                // one-byte form, 2 words
        buf.writeByte(PRODUCER_ABS_SEND_TIME_ID << 4 | 2).writeMedium(0x123456);
        buf.writeByte(PRODUCER_TOFFSET_ID << 4 | 2).writeMedium(0x000010);
        buf.writeBytes(new byte[] {0x10, 0x02, 0x03, 0x04}); // payload
        incoming.add(buf);
        return buf;
    }

    private boolean receive(ByteBuf buf) {
        RtpPacket view = new RtpPacket();
        assertThat(view.wrap(buf)).isTrue();
        return producer.receive(view);
    }

    private RtpPacket sent(int index) {
        RtpPacket view = new RtpPacket();
        assertThat(view.wrap(receiving.rtp.get(index))).isTrue();
        return view;
    }

    private int routerExtensionId(String uri) {
        return ApiOrtc.api(producer.consumableRtpParameters()).getHeaderExtensionsList().stream()
                .filter(e -> e.getUri().equals(uri)).findFirst().orElseThrow().getId();
    }

    @Test
    void aForwardedPacketIsACopyRewrittenToTheConsumer() {
        assertThat(receive(packet(PRODUCER_SSRC, PRODUCER_PT, 1000, 5000))).isTrue();

        assertThat(receiving.rtp).hasSize(1);
        RtpPacket out = sent(0);
        RtpParameters own = ApiOrtc.api(consumer.rtpParameters());
        assertThat(out.ssrc()).isEqualTo(Integer.toUnsignedLong(own.getEncodings(0).getSsrc()));
        assertThat(out.payloadType()).isEqualTo(own.getCodecs(0).getPayloadType()).isNotEqualTo(PRODUCER_PT);
        assertThat(out.sequenceNumber()).isEqualTo(1000);
        assertThat(out.timestamp()).isEqualTo(5000);
        int absSendTime = routerExtensionId(RtpHeaderExtensionUris.ABS_SEND_TIME);
        assertThat(out.absSendTime(absSendTime)).isEqualTo(0x123456);
        assertThat(out.payloadLength()).isEqualTo(4);
        assertThat(receiving.rtp.get(0)).isNotSameAs(incoming.get(0));
    }

    @Test
    void anExtensionTheConsumerDidNotNegotiateIsRemoved() throws Exception {
        RtpCapabilities withoutToffset = routerCapabilities.toBuilder().clearHeaderExtensions()
                .addAllHeaderExtensions(routerCapabilities.getHeaderExtensionsList().stream()
                        .filter(e -> !e.getUri().equals(RtpHeaderExtensionUris.TOFFSET)).toList())
                .build();
        fanOut.consumers.clear();
        SimpleConsumer narrow = newConsumer("narrow", withoutToffset);

        receive(packet(PRODUCER_SSRC, PRODUCER_PT, 1, 1));

        RtpPacket out = sent(0);
        assertThat(ApiOrtc.api(narrow.rtpParameters()).getHeaderExtensionsList())
                .noneMatch(e -> e.getUri().equals(RtpHeaderExtensionUris.TOFFSET));
        assertThat(out.hasExtension(routerExtensionId(RtpHeaderExtensionUris.TOFFSET))).isFalse();
        assertThat(out.absSendTime(routerExtensionId(RtpHeaderExtensionUris.ABS_SEND_TIME))).isEqualTo(0x123456);
    }

    @Test
    void otherSsrcsAndUnknownPayloadTypesAreNotForwarded() {
        assertThat(receive(packet(0x55555555L, PRODUCER_PT, 1, 1))).as("not this producer's").isFalse();
        assertThat(receive(packet(PRODUCER_SSRC, 99, 2, 1))).as("this producer's, unknown payload type").isTrue();

        assertThat(receiving.rtp).isEmpty();
        assertThat(StatsMapper.toProto(producer.stats(0)).getDroppedPacketsMap()).containsEntry("unknown_payload_type", 1L);
    }

    @Test
    void resumingContinuesTheSequenceAndAdvancesTheTimestampByTheWallTime() {
        for (int i = 0; i < 5; i++) {
            receive(packet(PRODUCER_SSRC, PRODUCER_PT, 1000 + i, 5000 + 3000L * i));
            clock.advanceMillis(33);
        }
        consumer.pause();
        for (int i = 5; i < 50; i++) {
            receive(packet(PRODUCER_SSRC, PRODUCER_PT, 1000 + i, 5000 + 3000L * i));
        }
        assertThat(receiving.rtp).hasSize(5);
        long lastTimestamp = sent(4).timestamp();
        clock.advanceMillis(500);

        consumer.resume();
        receive(packet(PRODUCER_SSRC, PRODUCER_PT, 1050, 5000 + 3000L * 50));
        receive(packet(PRODUCER_SSRC, PRODUCER_PT, 1051, 5000 + 3000L * 51));

        assertThat(sent(5).sequenceNumber()).isEqualTo(1005);
        assertThat(sent(6).sequenceNumber()).isEqualTo(1006);
        // 500 ms + the 33 ms after the last packet sent, at 90 kHz.
        assertThat(sent(5).timestamp()).isEqualTo(lastTimestamp + 533 * 90);
        assertThat(sent(6).timestamp() - sent(5).timestamp()).isEqualTo(3000);
        assertThat(StatsMapper.toProto(consumer.stats(0)).getDroppedPacketsMap()).containsEntry("paused", 45L);
        assertThat(sending.rtcp).as("a key frame asked for on resume").hasSize(1);
    }

    @Test
    void sequenceNumbersWrapAroundAcrossAPause() {
        receive(packet(PRODUCER_SSRC, PRODUCER_PT, 65535, 0));
        consumer.pause();
        consumer.resume();
        receive(packet(PRODUCER_SSRC, PRODUCER_PT, 300, 90000));

        assertThat(sent(1).sequenceNumber()).isZero();
    }

    @Test
    void aPausedProducerStopsItsConsumersUntilResumed() {
        producer.pause();
        receive(packet(PRODUCER_SSRC, PRODUCER_PT, 1, 1));
        assertThat(consumer.producerPaused()).isTrue();
        assertThat(receiving.rtp).isEmpty();

        producer.resume();
        receive(packet(PRODUCER_SSRC, PRODUCER_PT, 2, 2));
        assertThat(receiving.rtp).hasSize(1);
    }

    @Test
    void pliAndFirFromTheReceiverReachTheSenderAtMostOncePerSecond() {
        receive(packet(PRODUCER_SSRC, PRODUCER_PT, 1, 1));
        ByteBuf pli = Unpooled.buffer();
        new FeedbackPsPli(0x99, consumer.ssrc()).writeTo(pli);
        ByteBuf fir = Unpooled.buffer();
        FeedbackPsFir.of(0x99, 0, 7).writeTo(fir);
        fir.setInt(12, (int) consumer.ssrc());
        incoming.add(pli);
        incoming.add(fir);

        receivingMedia.onRtcp(pli);
        receivingMedia.onRtcp(fir);
        assertThat(sending.rtcp).hasSize(1);
        clock.advanceMillis(RtpStreamRecv.KEY_FRAME_REQUEST_INTERVAL_MS - 1);
        receivingMedia.onRtcp(pli);
        assertThat(sending.rtcp).hasSize(1);
        clock.advanceMillis(1);
        receivingMedia.onRtcp(pli);

        assertThat(sending.rtcp).hasSize(2);
        FeedbackPsPli sent = FeedbackPsPli.parse(sending.rtcp.get(1), 0, sending.rtcp.get(1).readableBytes());
        assertThat(sent).isNotNull();
        assertThat(sent.mediaSsrc()).as("the sender's own SSRC").isEqualTo(PRODUCER_SSRC);
        assertThat(StatsMapper.toProto(consumer.stats(0)).getKeyFrameRequestsReceived()).isEqualTo(4);
    }

    @Test
    void aConsumerWhoseTransportConnectsAsksItsProducerForAKeyFrame() {
        receive(packet(PRODUCER_SSRC, PRODUCER_PT, 1, 1));
        assertThat(sending.rtcp).isEmpty();

        receivingMedia.onTransportConnected();

        assertThat(sending.rtcp).singleElement().satisfies(sent ->
                assertThat(FeedbackPsPli.parse(sent, 0, sent.readableBytes()).mediaSsrc()).isEqualTo(PRODUCER_SSRC));
        consumer.pause();
        clock.advanceMillis(RtpStreamRecv.KEY_FRAME_REQUEST_INTERVAL_MS);
        receivingMedia.onTransportConnected();
        assertThat(sending.rtcp).as("a paused consumer asks for nothing").hasSize(1);
    }

    @Test
    void aPliForAnotherSsrcIsIgnored() {
        ByteBuf pli = Unpooled.buffer();
        new FeedbackPsPli(0x99, 0xABCDEF).writeTo(pli);
        incoming.add(pli);

        receivingMedia.onRtcp(pli);

        assertThat(sending.rtcp).isEmpty();
    }

    /** A producer whose encodings carry no SSRC: found by the header extension at {@code extensionId}. */
    private Producer producerWithoutSsrcs(String mid, String uri, int extensionId, String... rids) throws Exception {
        RtpParameters.Builder given = RtpParameters.newBuilder()
                .setMid(mid)
                .addCodecs(RtpCodecParameters.newBuilder().setMimeType("video/VP8").setPayloadType(PRODUCER_PT)
                        .setClockRate(90000))
                .addHeaderExtensions(RtpHeaderExtensionParameters.newBuilder().setUri(uri).setId(extensionId))
                .setRtcp(RtcpParameters.newBuilder().setCname("test"));
        for (String rid : rids) {
            given.addEncodings(RtpEncodingParameters.newBuilder().setRid(rid));
        }
        RtpParameters parameters = ApiOrtc.validateRtpParameters(given.build());
        RtpMapping mapping = ApiOrtc.getProducerRtpParametersMapping(parameters, routerCapabilities, new SplittableRandom(3));
        RtpParameters consumable = ApiOrtc.getConsumableRtpParameters(MediaKind.VIDEO, parameters, routerCapabilities, mapping);
        return new Producer("q", ApiOrtc.domain(MediaKind.VIDEO), sending, ApiOrtc.domain(parameters), mapping, ApiOrtc.domain(consumable), false,
                Map.of(), new FanOut(), clock, ByteBufAllocator.DEFAULT);
    }

    /** An RTP packet carrying one one-byte element (RFC 8285 §4.2) with an ASCII value (mid, rid). */
    private ByteBuf packetWithTag(long ssrc, int extensionId, String value) {
        byte[] ascii = value.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int words = (1 + ascii.length + 3) / 4;
        ByteBuf buf = Unpooled.buffer();
        buf.writeByte(value.isEmpty() ? 0x80 : 0x90).writeByte(PRODUCER_PT).writeShort(1).writeInt(1).writeInt((int) ssrc);
        if (!value.isEmpty()) {
            buf.writeShort(0xBEDE).writeShort(words);
            buf.writeByte(extensionId << 4 | (ascii.length - 1)).writeBytes(ascii);
            buf.writeZero(words * 4 - 1 - ascii.length);
        }
        buf.writeBytes(new byte[] {1, 2, 3});
        incoming.add(buf);
        return buf;
    }

    private static boolean receive(Producer producer, ByteBuf buf) {
        RtpPacket view = new RtpPacket();
        assertThat(view.wrap(buf)).isTrue();
        return producer.receive(view);
    }

    @Test
    void aSingleEncodingWithoutSsrcIsLearnedFromItsMid() throws Exception {
        Producer byMid = producerWithoutSsrcs("1", RtpHeaderExtensionUris.MID, 4, "");

        assertThat(receive(byMid, packetWithTag(0x777, 4, "2"))).as("another MID").isFalse();
        assertThat(receive(byMid, packetWithTag(0x777, 4, ""))).as("no MID yet").isFalse();
        assertThat(receive(byMid, packetWithTag(0x777, 4, "1"))).isTrue();
        assertThat(receive(byMid, packetWithTag(0x777, 4, ""))).as("known by SSRC from now on").isTrue();
        assertThat(receive(byMid, packetWithTag(0x888, 4, "1"))).as("one SSRC per encoding").isFalse();
        assertThat(ProducerMapper.toProto(byMid.dump(List.of()), byMid).getStreams(0).getSsrc()).isEqualTo(0x777);
    }

    @Test
    void simulcastEncodingsAreLearnedFromTheirRid() throws Exception {
        Producer byRid = producerWithoutSsrcs("0", RtpHeaderExtensionUris.RTP_STREAM_ID, 10, "l", "h");

        assertThat(receive(byRid, packetWithTag(0x100, 10, "h"))).isTrue();
        assertThat(receive(byRid, packetWithTag(0x200, 10, "l"))).isTrue();
        assertThat(receive(byRid, packetWithTag(0x300, 10, "m"))).as("an unknown rid").isFalse();

        assertThat(ProducerMapper.toProto(byRid.dump(List.of()), byRid).getStreamsList()).extracting(s -> s.getRid() + "=" + s.getSsrc())
                .containsExactly("l=512", "h=256");
    }
}
