package io.sluice.worker.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.RtcpFeedback;
import io.sluice.api.v1.RtcpParameters;
import io.sluice.api.v1.RtpCapabilities;
import io.sluice.api.v1.RtpCodecCapability;
import io.sluice.api.v1.RtpCodecParameters;
import io.sluice.api.v1.RtpEncodingParameters;
import io.sluice.api.v1.RtpParameters;
import io.sluice.api.v1.RtxParameters;
import io.sluice.api.v1.ParameterValue;
import io.sluice.worker.router.SimpleConsumerTest.FanOut;
import io.sluice.worker.router.SimpleConsumerTest.RecordingTransport;
import io.sluice.worker.router.ortc.CodecMatcher;
import io.sluice.worker.testsupport.ApiOrtc;
import io.sluice.worker.router.ortc.RtpMapping;
import io.sluice.api.v1.RtpStreamStats;
import io.sluice.worker.control.mapping.StatsMapper;
import io.sluice.worker.router.stats.NtpTime;
import io.sluice.worker.rtcp.FeedbackPsFir;
import io.sluice.worker.rtcp.FeedbackPsPli;
import io.sluice.worker.rtcp.FeedbackRtpNack;
import io.sluice.worker.rtcp.ReceiverReport;
import io.sluice.worker.rtcp.ReportBlock;
import io.sluice.worker.rtcp.RtcpCompound;
import io.sluice.worker.rtcp.SenderReport;
import io.sluice.worker.router.ortc.RtpHeaderExtensionUris;
import io.sluice.worker.rtp.RtpPacket;
import io.sluice.worker.rtp.Rtx;
import io.sluice.worker.rtp.nack.NackGenerator;
import io.sluice.worker.testsupport.TestClock;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import java.util.Map;

/**
 * Loss repair through a producer and a simple consumer over recording transports, with a clock
 * the test advances: the producer NACKs its sender (RFC 4585 §6.2.1) and restores RTX (RFC 4588
 * §4) into the stream; the consumer answers its receiver's NACKs from what it sent, as RTX when
 * negotiated, else the original; every buffer is released.
 */
class LossRepairTest {

    private static final long PRODUCER_SSRC = 0x11223344L;
    private static final long PRODUCER_RTX_SSRC = 0x55667788L;
    private static final int PRODUCER_PT = 101;
    private static final int PRODUCER_RTX_PT = 102;

    private final List<ByteBuf> allocated = new ArrayList<>();
    private final PooledByteBufAllocator allocator = new PooledByteBufAllocator(true) {
        @Override
        public ByteBuf directBuffer(int initialCapacity) {
            ByteBuf buf = super.directBuffer(initialCapacity);
            allocated.add(buf);
            return buf;
        }
    };
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
                        .setClockRate(90000)
                        .addRtcpFeedback(RtcpFeedback.newBuilder().setType("nack")))
                .addCodecs(RtpCodecParameters.newBuilder().setMimeType("video/rtx").setPayloadType(PRODUCER_RTX_PT)
                        .setClockRate(90000)
                        .putParameters("apt", ParameterValue.newBuilder().setIntValue(PRODUCER_PT).build()))
                .addEncodings(RtpEncodingParameters.newBuilder().setSsrc((int) PRODUCER_SSRC)
                        .setRtx(RtxParameters.newBuilder().setSsrc((int) PRODUCER_RTX_SSRC)))
                .setRtcp(RtcpParameters.newBuilder().setCname("test"))
                .build());
        RtpMapping mapping = ApiOrtc.getProducerRtpParametersMapping(parameters, routerCapabilities, new SplittableRandom(1));
        RtpParameters consumable = ApiOrtc.getConsumableRtpParameters(MediaKind.VIDEO, parameters, routerCapabilities, mapping);
        producer = new Producer("p", ApiOrtc.domain(MediaKind.VIDEO), sending, ApiOrtc.domain(parameters), mapping, ApiOrtc.domain(consumable), false,
                Map.of(), fanOut, clock, allocator);
        consumer = newConsumer(routerCapabilities);
        receivingMedia = new TransportMedia(receiving);
        receivingMedia.addConsumer(consumer);
    }

    private SimpleConsumer newConsumer(RtpCapabilities capabilities) throws Exception {
        return newConsumer(capabilities, 2);
    }

    private SimpleConsumer newConsumer(RtpCapabilities capabilities, int seed) throws Exception {
        RtpParameters parameters = ApiOrtc.getConsumerRtpParameters(ApiOrtc.api(producer.consumableRtpParameters()), capabilities,
                false, true, new SplittableRandom(seed));
        SimpleConsumer created = new SimpleConsumer("c" + seed, producer, receiving, ApiOrtc.domain(parameters), false,
                Map.of(), clock, allocator);
        fanOut.consumers.add(created);
        return created;
    }

    @AfterEach
    void releaseEverything() {
        fanOut.consumers.forEach(Consumer::close);
        sending.releaseAll();
        receiving.releaseAll();
        incoming.forEach(ByteBuf::release);
        assertThat(allocated).allSatisfy(buf -> assertThat(buf.refCnt()).isZero());
        assertThat(incoming).allSatisfy(buf -> assertThat(buf.refCnt()).isZero());
    }

    private ByteBuf packet(int sequenceNumber) {
        ByteBuf buf = Unpooled.buffer();
        buf.writeByte(0x80).writeByte(PRODUCER_PT).writeShort(sequenceNumber);
        buf.writeInt(3000 * sequenceNumber).writeInt((int) PRODUCER_SSRC);
        buf.writeInt(sequenceNumber).writeInt(0xCAFEBABE);   // payload names its packet
        incoming.add(buf);
        return buf;
    }

    /**
     * The packet's bytes with its transport-wide sequence number zeroed: a resend carries a number
     * of its own (draft-holmer-rmcat-transport-wide-cc-extensions-01 §2: every packet sent).
     */
    private byte[] unnumbered(ByteBuf buf) {
        return unnumbered(buf, buf.readerIndex(), buf.readableBytes());
    }

    private byte[] unnumbered(ByteBuf buf, int offset, int length) {
        byte[] bytes = ByteBufUtil.getBytes(buf, offset, length);
        int id = ApiOrtc.api(consumer.rtpParameters()).getHeaderExtensionsList().stream()
                .filter(extension -> extension.getUri().equals(RtpHeaderExtensionUris.TRANSPORT_WIDE_CC_01))
                .mapToInt(extension -> extension.getId()).findFirst().orElseThrow();
        RtpPacket view = new RtpPacket();
        assertThat(view.wrap(Unpooled.wrappedBuffer(bytes))).isTrue();
        assertThat(view.setTransportWideSequenceNumber(id, 0)).as("numbered").isTrue();
        return bytes;
    }

    /** RFC 4588 §4: the sender's RTX packet for {@code originalSequenceNumber}. */
    private ByteBuf rtxPacket(int rtxSequenceNumber, int originalSequenceNumber) {
        ByteBuf buf = Unpooled.buffer();
        buf.writeByte(0x80).writeByte(PRODUCER_RTX_PT).writeShort(rtxSequenceNumber);
        buf.writeInt(3000 * originalSequenceNumber).writeInt((int) PRODUCER_RTX_SSRC);
        buf.writeShort(originalSequenceNumber);
        buf.writeInt(originalSequenceNumber).writeInt(0xCAFEBABE);
        incoming.add(buf);
        return buf;
    }

    private void receive(ByteBuf buf) {
        RtpPacket view = new RtpPacket();
        assertThat(view.wrap(buf)).isTrue();
        assertThat(producer.receive(view)).isTrue();
    }

    private List<Integer> consumerSequenceNumbers() {
        List<Integer> sequenceNumbers = new ArrayList<>();
        RtpPacket view = new RtpPacket();
        for (ByteBuf buf : receiving.rtp) {
            assertThat(view.wrap(buf)).isTrue();
            sequenceNumbers.add(view.sequenceNumber());
        }
        return sequenceNumbers;
    }

    private FeedbackRtpNack sentNack(int index) {
        ByteBuf rtcp = sending.rtcp.get(index);
        assertThat(rtcp.writableBytes()).isGreaterThanOrEqualTo(sending.srtpOverhead());
        return FeedbackRtpNack.parse(rtcp, rtcp.readerIndex(), rtcp.readableBytes());
    }

    private void nackFromReceiver(int... lost) {
        FeedbackRtpNack nack = FeedbackRtpNack.ofLostSequenceNumbers(1, consumer.ssrc(), lost);
        ByteBuf rtcp = Unpooled.buffer(nack.serializedLength());
        nack.writeTo(rtcp);
        receivingMedia.onRtcp(rtcp);
        rtcp.release();
    }

    @Test
    void rfc4585_section6_2_1_producerNacksTheGapAndRfc4588RtxRepairsIt() {
        receive(packet(1));
        receive(packet(2));
        receive(packet(4));
        clock.advanceMillis(NackGenerator.REORDER_DELAY_MS);
        producer.onNackTimer();

        assertThat(sending.rtcp).hasSize(1);
        FeedbackRtpNack nack = sentNack(0);
        assertThat(nack.mediaSsrc()).isEqualTo(PRODUCER_SSRC);
        assertThat(nack.lostSequenceNumbers()).containsExactly(3);

        receive(rtxPacket(700, 3));
        assertThat(consumerSequenceNumbers()).containsExactly(1, 2, 4, 3);
        RtpPacket repaired = new RtpPacket();
        repaired.wrap(receiving.rtp.get(3));
        assertThat(repaired.ssrc()).isEqualTo(consumer.ssrc());
        assertThat(repaired.payloadType()).isEqualTo(ApiOrtc.api(consumer.rtpParameters()).getCodecs(0).getPayloadType());
        assertThat(repaired.timestamp()).isEqualTo(9000);
        assertThat(repaired.buffer().getInt(repaired.payloadOffset())).isEqualTo(3);
        assertThat(producer.packetsRepaired()).isOne();

        clock.advanceMillis(NackGenerator.DEFAULT_RTT_MS * 2);
        producer.onNackTimer();
        assertThat(sending.rtcp).as("a repaired packet is not asked for again").hasSize(1);
    }

    @Test
    void rtxForAPacketThatWasNotMissingIsDropped() {
        receive(packet(1));
        receive(packet(2));
        receive(rtxPacket(700, 2));
        assertThat(consumerSequenceNumbers()).containsExactly(1, 2);
        assertThat(StatsMapper.toProto(producer.stats(0)).getDroppedPacketsMap()).containsEntry("rtx_unrequested", 1L);
    }

    @Test
    void rtxWithoutRoomForTheOsnIsDropped() {
        receive(packet(1));
        ByteBuf truncated = Unpooled.buffer();
        truncated.writeByte(0x80).writeByte(PRODUCER_RTX_PT).writeShort(9).writeInt(0).writeInt((int) PRODUCER_RTX_SSRC);
        truncated.writeByte(1);
        incoming.add(truncated);
        receive(truncated);
        assertThat(consumerSequenceNumbers()).containsExactly(1);
        assertThat(StatsMapper.toProto(producer.stats(0)).getDroppedPacketsMap()).containsEntry("rtx_unusable", 1L);
    }

    @Test
    void retriesStopAfterTheMaximum() {
        receive(packet(1));
        receive(packet(3));
        for (int i = 0; i < 30; i++) {
            clock.advanceMillis(NackGenerator.DEFAULT_RTT_MS);
            producer.onNackTimer();
        }
        assertThat(sending.rtcp).hasSize(NackGenerator.MAX_NACK_RETRIES);
    }

    @Test
    void consumerNegotiatesNackAndRtx() {
        RtpParameters own = ApiOrtc.api(consumer.rtpParameters());
        assertThat(own.getCodecs(0).getRtcpFeedbackList()).anyMatch(fb -> fb.getType().equals("nack") && fb.getParameter().isEmpty());
        assertThat(own.getCodecsList()).anyMatch(codec -> CodecMatcher.isRtx(codec.getMimeType()));
        assertThat(own.getEncodings(0).hasRtx()).isTrue();
    }

    @Test
    void rfc4588_section4_consumerAnswersANackWithRtx() {
        for (int sequenceNumber = 1; sequenceNumber <= 5; sequenceNumber++) {
            receive(packet(sequenceNumber));
        }
        byte[] original2 = unnumbered(receiving.rtp.get(1));
        nackFromReceiver(2, 4);

        assertThat(receiving.rtp).hasSize(7);
        RtpParameters own = ApiOrtc.api(consumer.rtpParameters());
        long rtxSsrc = Integer.toUnsignedLong(own.getEncodings(0).getRtx().getSsrc());
        int rtxPayloadType = own.getCodecsList().stream().filter(codec -> CodecMatcher.isRtx(codec.getMimeType()))
                .findFirst().orElseThrow().getPayloadType();
        RtpPacket rtx = new RtpPacket();
        rtx.wrap(receiving.rtp.get(5));
        assertThat(receiving.rtp.get(5).writableBytes()).as("room for SRTP").isGreaterThanOrEqualTo(14);
        assertThat(rtx.ssrc()).isEqualTo(rtxSsrc);
        assertThat(rtx.payloadType()).isEqualTo(rtxPayloadType);
        int firstRtxSequenceNumber = rtx.sequenceNumber();
        assertThat(Rtx.restoreInPlace(rtx, own.getCodecs(0).getPayloadType(), consumer.ssrc())).isTrue();
        assertThat(unnumbered(rtx.buffer(), rtx.offset(), rtx.length())).isEqualTo(original2);

        RtpPacket second = new RtpPacket();
        second.wrap(receiving.rtp.get(6));
        assertThat(second.sequenceNumber()).isEqualTo((firstRtxSequenceNumber + 1) & 0xFFFF);
        assertThat(second.buffer().getUnsignedShort(second.payloadOffset())).as("OSN").isEqualTo(4);
        assertThat(consumer.retransmittedPackets()).isEqualTo(2);
    }

    @Test
    void aPacketIsResentAtMostOncePerInterval() {
        receive(packet(1));
        receive(packet(2));
        nackFromReceiver(1);
        nackFromReceiver(1);
        assertThat(receiving.rtp).hasSize(3);
        clock.advanceMillis(100);
        nackFromReceiver(1);
        assertThat(receiving.rtp).hasSize(4);
    }

    @Test
    void packetsNeverSentAreNotResent() {
        receive(packet(1));
        nackFromReceiver(50, 51);
        assertThat(receiving.rtp).hasSize(1);
    }

    @Test
    void withoutRtxTheOriginalIsResent() throws Exception {
        RtpCapabilities withoutRtx = routerCapabilities.toBuilder().clearCodecs()
                .addAllCodecs(routerCapabilities.getCodecsList().stream()
                        .filter(codec -> !CodecMatcher.isRtx(codec.getMimeType())).toList())
                .build();
        fanOut.consumers.forEach(Consumer::close);
        fanOut.consumers.clear();
        receivingMedia.removeConsumer(consumer);
        consumer = newConsumer(withoutRtx);
        receivingMedia.addConsumer(consumer);
        assertThat(ApiOrtc.api(consumer.rtpParameters()).getEncodings(0).hasRtx()).isFalse();

        receive(packet(1));
        receive(packet(2));
        byte[] original1 = unnumbered(receiving.rtp.get(0));
        nackFromReceiver(1);
        assertThat(receiving.rtp).hasSize(3);
        assertThat(unnumbered(receiving.rtp.get(2))).isEqualTo(original1);
    }

    @Test
    void aNackForAnotherSsrcIsIgnored() {
        receive(packet(1));
        FeedbackRtpNack nack = FeedbackRtpNack.ofLostSequenceNumbers(1, consumer.ssrc() + 1, new int[] {1});
        ByteBuf rtcp = Unpooled.buffer();
        nack.writeTo(rtcp);
        receivingMedia.onRtcp(rtcp);
        rtcp.release();
        assertThat(receiving.rtp).hasSize(1);
    }

    @Test
    void consumersShareOneCopyOfEachPacketAndRebuildTheirOwnOnResend() throws Exception {
        SimpleConsumer second = newConsumer(routerCapabilities, 3);
        assertThat(second.ssrc()).isNotEqualTo(consumer.ssrc());
        receivingMedia.addConsumer(second);
        int before = allocated.size();
        for (int sequenceNumber = 1; sequenceNumber <= 5; sequenceNumber++) {
            receive(packet(sequenceNumber));
        }
        assertThat(allocated.size() - before).as("per packet: one shared copy and one buffer per consumer sent")
                .isEqualTo(5 * 3);
        assertThat(producer.acquirePacketStore().storedPackets()).isEqualTo(5);
        producer.releasePacketStore();
        byte[] secondsPacket3 = unnumbered(receiving.rtp.get(5));
        byte[] firstsPacket3 = unnumbered(receiving.rtp.get(4));
        RtpPacket sent = new RtpPacket();
        sent.wrap(receiving.rtp.get(5));
        int secondsSequenceNumber = sent.sequenceNumber();

        FeedbackRtpNack nack = FeedbackRtpNack.ofLostSequenceNumbers(1, second.ssrc(), new int[] {secondsSequenceNumber});
        ByteBuf rtcp = Unpooled.buffer(nack.serializedLength());
        nack.writeTo(rtcp);
        receivingMedia.onRtcp(rtcp);
        rtcp.release();
        nackFromReceiver(3);

        assertThat(receiving.rtp).hasSize(12);
        RtpParameters own = ApiOrtc.api(second.rtpParameters());
        RtpPacket rtx = new RtpPacket();
        rtx.wrap(receiving.rtp.get(10));
        assertThat(rtx.ssrc()).isEqualTo(Integer.toUnsignedLong(own.getEncodings(0).getRtx().getSsrc()));
        assertThat(Rtx.restoreInPlace(rtx, own.getCodecs(0).getPayloadType(), second.ssrc())).isTrue();
        assertThat(unnumbered(rtx.buffer(), rtx.offset(), rtx.length()))
                .as("the second consumer's packet, rebuilt from the shared copy").isEqualTo(secondsPacket3);
        rtx.wrap(receiving.rtp.get(11));
        assertThat(Rtx.restoreInPlace(rtx, ApiOrtc.api(consumer.rtpParameters()).getCodecs(0).getPayloadType(), consumer.ssrc()))
                .isTrue();
        assertThat(unnumbered(rtx.buffer(), rtx.offset(), rtx.length())).isEqualTo(firstsPacket3);
        assertThat(second.retransmittedPackets()).isEqualTo(1);
        assertThat(consumer.retransmittedPackets()).isEqualTo(1);
    }

    @Test
    void aPacketWhoseSharedSlotWasReusedIsNotResent() {
        receive(packet(1));
        for (int sequenceNumber = 2; sequenceNumber <= 1 + 1024; sequenceNumber++) {
            receive(packet(sequenceNumber));
        }
        receiving.releaseAll();
        nackFromReceiver(1, 2);
        assertThat(receiving.rtp).as("1 is gone; 2 is still kept").hasSize(1);
        assertThat(consumer.sendStream().retransmission().unavailablePackets()).isEqualTo(1);
    }

    @Test
    void theSharedStoreLivesWhileAConsumerAnswersNacks() throws Exception {
        SimpleConsumer second = newConsumer(routerCapabilities, 3);
        receive(packet(1));
        receive(packet(2));
        List<ByteBuf> copies = new ArrayList<>(allocated);
        consumer.close();
        fanOut.consumers.remove(consumer);
        assertThat(producer.acquirePacketStore().storedPackets()).as("the second consumer still uses it").isEqualTo(2);
        producer.releasePacketStore();
        second.close();
        fanOut.consumers.remove(second);
        receiving.releaseAll();
        assertThat(copies).as("the last consumer closed: shared copies released").allSatisfy(buf -> assertThat(buf.refCnt()).isZero());
    }

    @Test
    void aPacketWhosePayloadTheConsumerRewroteIsResentAsSent() {
        ByteBuf buf = packet(9);
        RtpPacket view = new RtpPacket();
        view.wrap(buf);
        view.setPayloadType(ApiOrtc.api(consumer.rtpParameters()).getCodecs(0).getPayloadType());   // the router's
        ConsumerSendStream stream = consumer.sendStream();
        assertThat(stream.send(view, 9, 27000, clock.monotonicMillis(), outgoing -> outgoing.buffer().setInt(outgoing.payloadOffset(),
                0x77777777))).isEqualTo(ConsumerSendStream.Result.SENT);
        byte[] sent = unnumbered(receiving.rtp.get(0));
        buf.setInt(view.payloadOffset(), 0x11111111);
        nackFromReceiver(9);
        assertThat(receiving.rtp).hasSize(2);
        RtpPacket rtx = new RtpPacket();
        rtx.wrap(receiving.rtp.get(1));
        assertThat(Rtx.restoreInPlace(rtx, ApiOrtc.api(consumer.rtpParameters()).getCodecs(0).getPayloadType(), consumer.ssrc()))
                .isTrue();
        assertThat(unnumbered(rtx.buffer(), rtx.offset(), rtx.length())).isEqualTo(sent);
        assertThat(producer.acquirePacketStore().storedPackets()).as("nothing shared").isZero();
        producer.releasePacketStore();
    }

    /**
     * The consumer's receiver reports 300 ms of round trip (RFC 3550 §6.4.1: our SR echoed with
     * LSR and a DLSR of 100 ms, 400 ms after we sent it); the transport also carries the producer.
     */
    private void roundTripOf300Ms() {
        receivingMedia.addProducer(producer);
        RtcpScheduler reports = new RtcpScheduler(receivingMedia, clock, allocator, 0x0A0B0C0DL,
                "sluice", new RtcpScheduler.ScoreListener() {
                    @Override
                    public void onProducerScore(Producer scored) {
                    }

                    @Override
                    public void onConsumerScore(Consumer scored) {
                    }
                });
        receivingMedia.setRtcpScheduler(reports);
        reports.sendReports();
        SenderReport sr = (SenderReport) RtcpCompound.parse(receiving.rtcp.get(0)).get(0);
        clock.advanceMillis(400);
        ByteBuf rr = Unpooled.buffer();
        RtcpCompound.write(List.of(new ReceiverReport(0x99999999L, List.of(new ReportBlock(consumer.ssrc(), 0, 0, 1,
                0, sr.compactNtp(), NtpTime.millisToCompact(100))))), rr);
        receivingMedia.onRtcp(rr);
        rr.release();
        assertThat(consumer.sendStats().roundTripTimeMs()).isCloseTo(300.0, org.assertj.core.api.Assertions.within(1.0));
    }

    @Test
    void theReceiversRoundTripTimeSpacesResendsOfOnePacket() {
        receive(packet(1));
        receive(packet(2));
        roundTripOf300Ms();
        receiving.releaseAll();
        nackFromReceiver(1);
        clock.advanceMillis(150);
        nackFromReceiver(1);
        assertThat(receiving.rtp).as("150 ms < RTT: not again yet (it would be after the default 100 ms)").hasSize(1);
        clock.advanceMillis(150);
        nackFromReceiver(1);
        assertThat(receiving.rtp).hasSize(2);
    }

    @Test
    void theRoundTripTimeOfTheTransportSpacesTheProducersNackRetries() {
        receive(packet(1));
        receive(packet(2));
        roundTripOf300Ms();
        receive(packet(4));
        clock.advanceMillis(20);
        producer.onNackTimer();
        int first = sending.rtcp.size();
        assertThat(first).isPositive();
        clock.advanceMillis(150);
        producer.onNackTimer();
        assertThat(sending.rtcp).as("no retry before an RTT").hasSize(first);
        clock.advanceMillis(160);
        producer.onNackTimer();
        assertThat(sending.rtcp).hasSize(first + 1);
    }

    @Test
    void streamStatsCountNacksResendsAndRepairs() {
        for (int sequenceNumber = 1; sequenceNumber <= 5; sequenceNumber++) {
            receive(packet(sequenceNumber));
        }
        nackFromReceiver(2, 4);
        clock.advanceMillis(100);
        nackFromReceiver(2);
        RtpStreamStats outbound = StatsMapper.toProto(consumer.stats(clock.monotonicMillis())).getStreams(0);
        assertThat(outbound.getNackCount()).isEqualTo(2);
        assertThat(outbound.getNackPacketCount()).isEqualTo(3);
        assertThat(outbound.getPacketsRetransmitted()).isEqualTo(3);
        assertThat(outbound.getPacketsRepaired()).as("distinct packets resent").isEqualTo(2);

        receive(packet(7));
        clock.advanceMillis(20);
        producer.onNackTimer();
        receive(rtxPacket(700, 6));
        RtpStreamStats inbound = StatsMapper.toProto(producer.stats(clock.monotonicMillis())).getStreams(0);
        assertThat(inbound.getNackCount()).isEqualTo(sending.rtcp.size()).isPositive();
        assertThat(inbound.getNackPacketCount()).isEqualTo(sending.rtcp.size());
        assertThat(inbound.getPacketsRetransmitted()).isEqualTo(1);
        assertThat(inbound.getPacketsRepaired()).isEqualTo(1);
    }

    /**
     * The RTCP read path allocates nothing: a compound of a generic NACK (RFC 4585 §6.2.1), a PLI
     * (§6.3.1) and a FIR (RFC 5104 §4.3.1) naming the consumer, read in place 100 000 times after
     * a warm-up, counted with the JVM's per-thread allocation counter (bytes, not time). The NACK
     * names packets never sent and the key-frame requests are throttled on a clock that stands
     * still, so nothing is sent and all that runs is reading and dispatching.
     */
    @Test
    void rtcpFeedbackReadPathAllocatesNothing() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(
                threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        ByteBuf compound = Unpooled.buffer();
        RtcpCompound.write(List.of(FeedbackRtpNack.ofLostSequenceNumbers(1, consumer.ssrc(), new int[] {40_000, 40_002}),
                new FeedbackPsPli(1, consumer.ssrc()), FeedbackPsFir.of(1, consumer.ssrc(), 7)), compound);
        incoming.add(compound);
        int warmUp = 20_000;
        int measured = 100_000;
        for (int i = 0; i < warmUp; i++) {
            receivingMedia.onRtcp(compound);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < measured; i++) {
            receivingMedia.onRtcp(compound);
        }
        long allocatedBytes = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(allocatedBytes).as("bytes allocated over %d compounds", measured).isLessThan(16_384);
        assertThat(consumer.keyFrameRequestsReceived()).as("PLI and FIR each reached the consumer")
                .isEqualTo(2L * (warmUp + measured));
        RtpStreamStats outbound = StatsMapper.toProto(consumer.stats(clock.monotonicMillis())).getStreams(0);
        assertThat(outbound.getNackCount()).isEqualTo(warmUp + measured);
        assertThat(outbound.getNackPacketCount()).isEqualTo(2L * (warmUp + measured));
        assertThat(outbound.getPacketsRetransmitted()).as("nothing to resend").isZero();
    }
}
