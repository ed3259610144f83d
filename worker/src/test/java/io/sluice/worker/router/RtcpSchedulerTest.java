package io.sluice.worker.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.sluice.api.v1.ConsumerStats;
import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.ProducerStats;
import io.sluice.api.v1.RtcpParameters;
import io.sluice.api.v1.RtpCapabilities;
import io.sluice.api.v1.RtpCodecCapability;
import io.sluice.api.v1.RtpCodecParameters;
import io.sluice.api.v1.RtpEncodingParameters;
import io.sluice.api.v1.RtpParameters;
import io.sluice.api.v1.RtpStreamStats;
import io.sluice.worker.control.mapping.StatsMapper;
import io.sluice.worker.router.SimpleConsumerTest.RecordingTransport;
import io.sluice.worker.testsupport.ApiOrtc;
import io.sluice.worker.router.ortc.RtpMapping;
import io.sluice.worker.router.stats.NtpTime;
import io.sluice.worker.rtcp.FeedbackPsPli;
import io.sluice.worker.rtcp.ReceiverReport;
import io.sluice.worker.rtcp.ReportBlock;
import io.sluice.worker.rtcp.RtcpCompound;
import io.sluice.worker.rtcp.RtcpPacket;
import io.sluice.worker.rtcp.SenderReport;
import io.sluice.worker.rtcp.SourceDescription;
import io.sluice.worker.rtp.RtpPacket;
import io.sluice.worker.testsupport.TestClock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import java.util.Map;

/**
 * A producer on one fake transport and a consumer of it on another, each with its RTCP scheduler,
 * and clocks the test advances: receiver reports for the producer (RFC 3550 §6.4.2, A.3) echoing
 * the sender's SR (LSR/DLSR), sender reports for the consumer (§6.4.1), incoming reports giving
 * RTT, loss and scores, byte for byte through the rtcp classes.
 */
class RtcpSchedulerTest {

    private static final long PRODUCER_SSRC = 0x11223344L;
    private static final long LOCAL_SSRC = 0x0A0B0C0DL;
    private static final int PT = 101;

    private final TestClock clock = new TestClock(5_000, 1_700_000_000_000L);
    private final RecordingTransport sending = new RecordingTransport(0);
    private final RecordingTransport receiving = new RecordingTransport(14);
    private final SimpleConsumerTest.FanOut fanOut = new SimpleConsumerTest.FanOut();
    private final List<String> scoreEvents = new ArrayList<>();
    private final List<ByteBuf> incoming = new ArrayList<>();
    private Producer producer;
    private SimpleConsumer consumer;
    private TransportMedia sendingMedia;
    private TransportMedia receivingMedia;
    private RtcpScheduler producerSide;
    private RtcpScheduler consumerSide;

    @BeforeEach
    void create() throws Exception {
        RtpCapabilities capabilities = ApiOrtc.generateRouterRtpCapabilities(List.of(RtpCodecCapability.newBuilder()
                .setKind(MediaKind.VIDEO).setMimeType("video/VP8").setClockRate(90000).build()));
        RtpParameters parameters = ApiOrtc.validateRtpParameters(RtpParameters.newBuilder()
                .addCodecs(RtpCodecParameters.newBuilder().setMimeType("video/VP8").setPayloadType(PT).setClockRate(90000))
                .addEncodings(RtpEncodingParameters.newBuilder().setSsrc((int) PRODUCER_SSRC))
                .setRtcp(RtcpParameters.newBuilder().setCname("sender-cname"))
                .build());
        RtpMapping mapping = ApiOrtc.getProducerRtpParametersMapping(parameters, capabilities, new SplittableRandom(1));
        RtpParameters consumable = ApiOrtc.getConsumableRtpParameters(MediaKind.VIDEO, parameters, capabilities, mapping);
        producer = new Producer("p", ApiOrtc.domain(MediaKind.VIDEO), sending, ApiOrtc.domain(parameters), mapping, ApiOrtc.domain(consumable), false,
                Map.of(), fanOut, clock, ByteBufAllocator.DEFAULT);
        consumer = new SimpleConsumer("c", producer, receiving,
                ApiOrtc.domain(ApiOrtc.getConsumerRtpParameters(consumable, capabilities, false, false, new SplittableRandom(2))), false,
                Map.of(), clock, ByteBufAllocator.DEFAULT);
        fanOut.consumers.add(consumer);
        sendingMedia = new TransportMedia(sending);
        sendingMedia.addProducer(producer);
        receivingMedia = new TransportMedia(receiving);
        receivingMedia.addConsumer(consumer);
        RtcpScheduler.ScoreListener listener = new RtcpScheduler.ScoreListener() {
            @Override
            public void onProducerScore(Producer scored) {
                scoreEvents.add("producer " + scored.stream(0).stats().score());
            }

            @Override
            public void onConsumerScore(Consumer scored) {
                scoreEvents.add("consumer " + scored.sendStats().score());
            }
        };
        producerSide = new RtcpScheduler(sendingMedia, clock, ByteBufAllocator.DEFAULT,
                LOCAL_SSRC, "sluice", listener);
        consumerSide = new RtcpScheduler(receivingMedia, clock, ByteBufAllocator.DEFAULT,
                LOCAL_SSRC, "sluice", listener);
        sendingMedia.setRtcpScheduler(producerSide);
        receivingMedia.setRtcpScheduler(consumerSide);
    }

    @AfterEach
    void release() {
        List<ByteBuf> all = new ArrayList<>(incoming);
        all.addAll(sending.rtcp);
        all.addAll(receiving.rtp);
        all.addAll(receiving.rtcp);
        sending.releaseAll();
        receiving.releaseAll();
        incoming.forEach(ByteBuf::release);
        assertThat(all).allSatisfy(buf -> assertThat(buf.refCnt()).isZero());
    }

    private void advance(long millis) {
        clock.advanceMillis(millis);
    }

    /** A minimal RTP packet (RFC 3550 §5.1) with a 4-byte payload. */
    private void receive(int sequenceNumber, long timestamp) {
        ByteBuf buf = Unpooled.buffer();
        buf.writeByte(0x80).writeByte(PT).writeShort(sequenceNumber).writeInt((int) timestamp)
                .writeInt((int) PRODUCER_SSRC).writeInt(0x01020304);
        incoming.add(buf);
        RtpPacket view = new RtpPacket();
        assertThat(view.wrap(buf)).isTrue();
        assertThat(producer.receive(view)).isTrue();
    }

    /** Nine of ten packets, 33 ms and 2970 ticks apart (so no jitter), sequence 3 missing. */
    private void tenPacketsOneLost() {
        for (int seq = 1; seq <= 10; seq++) {
            if (seq != 3) {
                receive(seq, 2970L * seq);
            }
            advance(33);
        }
    }

    private ByteBuf compound(RtcpPacket... packets) {
        ByteBuf buf = Unpooled.buffer();
        RtcpCompound.write(List.of(packets), buf);
        incoming.add(buf);
        return buf;
    }

    @Test
    void rfc3550_section6_4_2_receiverReportForTheProducerStreamEchoesTheSendersSr() {
        tenPacketsOneLost();
        long srNtp = 0xE8000000_12345678L;
        sendingMedia.onRtcp(compound(new SenderReport(PRODUCER_SSRC, srNtp, 2970L * 10, 9, 36, List.of())));
        advance(250);

        producerSide.sendReports();

        assertThat(sending.rtcp).hasSize(1);
        ByteBuf report = sending.rtcp.get(0);
        String hex = HexFormat.of().formatHex(ByteBufUtil.getBytes(report));
        assertThat(hex.substring(0, 64)).isEqualTo(
                "81c90007" // V=2, RC=1, PT=201 (RR), length 7 words
                        + "0a0b0c0d" // SSRC of packet sender (ours)
                        + "11223344" // SSRC_1: the producer's stream
                        + "19000001" // fraction lost (1 << 8) / 10 = 25, cumulative lost 1
                        + "0000000a" // extended highest sequence number 10
                        + "00000000" // interarrival jitter: none, arrivals paced as sent
                        + "00001234" // LSR: the middle 32 bits of the SR's NTP timestamp
                        + "00004000"); // DLSR: 250 ms = 16384/65536 s
        List<RtcpPacket> parsed = RtcpCompound.parse(report);
        assertThat(parsed).hasSize(2);
        assertThat(parsed.get(0)).isEqualTo(new ReceiverReport(LOCAL_SSRC,
                List.of(new ReportBlock(PRODUCER_SSRC, 25, 1, 10, 0, 0x00001234L, 0x4000))));
        assertThat(parsed.get(1)).as("RFC 3550 §6.1: a compound carries the CNAME")
                .isEqualTo(SourceDescription.ofCname(LOCAL_SSRC, "sluice"));
        // 9 received, 1 lost: round(((9 - 1) / 9)^4 * 10) = 6.
        assertThat(scoreEvents).containsExactly("producer 6");
        assertThat(sending.rtcp.get(0).writableBytes()).isGreaterThanOrEqualTo(sending.srtpOverhead());
    }

    @Test
    void rfc3550_section6_4_1_senderReportForTheConsumerWithItsCname() {
        tenPacketsOneLost();
        advance(100);

        consumerSide.sendReports();

        assertThat(receiving.rtcp).as("an SR compound; no RR, this transport has no producer").hasSize(1);
        ByteBuf report = receiving.rtcp.get(0);
        assertThat(report.writableBytes()).as("room for the SRTCP tag and index").isGreaterThanOrEqualTo(14);
        List<RtcpPacket> parsed = RtcpCompound.parse(report);
        SenderReport sr = (SenderReport) parsed.get(0);
        assertThat(sr.senderSsrc()).isEqualTo(consumer.ssrc());
        assertThat(sr.ntpTimestamp()).isEqualTo(NtpTime.fromUnixMillis(clock.epochMillis()));
        // The last packet (seq 10, ts 29700) went 133 ms ago (33 + 100): 11970 ticks later.
        assertThat(sr.rtpTimestamp()).isEqualTo(29700 + 11970);
        assertThat(sr.packetCount()).isEqualTo(9);
        assertThat(sr.octetCount()).as("payload octets").isEqualTo(9 * 4);
        SourceDescription sdes = (SourceDescription) parsed.get(1);
        assertThat(sdes.chunks().get(0).ssrc()).isEqualTo(consumer.ssrc());
        assertThat(sdes.chunks().get(0).item(SourceDescription.CNAME))
                .isEqualTo(ApiOrtc.api(consumer.rtpParameters()).getRtcp().getCname()).isNotEmpty();
    }

    @Test
    void anIncomingReceiverReportGivesTheConsumersRoundTripLossAndScore() {
        for (int seq = 1; seq <= 20; seq++) {
            receive(seq, 2970L * seq);
            advance(33);
        }
        consumerSide.sendReports();
        SenderReport sr = (SenderReport) RtcpCompound.parse(receiving.rtcp.get(0)).get(0);
        advance(150);
        // The receiver held our SR 100 ms, so 50 ms went on the network; it lost 5 of 20.
        ReportBlock block = new ReportBlock(consumer.ssrc(), 64, 5, 20, 33, sr.compactNtp(),
                NtpTime.millisToCompact(100));
        receivingMedia.onRtcp(compound(new ReceiverReport(0x99999999L, List.of(block)),
                new FeedbackPsPli(0x99999999L, consumer.ssrc())));

        ConsumerStats stats = StatsMapper.toProto(consumer.stats(clock.monotonicMillis()));
        RtpStreamStats outbound = stats.getStreams(0);
        assertThat(outbound.getType()).isEqualTo("outbound-rtp");
        assertThat(outbound.getRoundTripTime()).isCloseTo(50.0, within(0.1));
        assertThat(outbound.getPacketsLost()).isEqualTo(5);
        assertThat(outbound.getFractionLost()).isEqualTo(64);
        assertThat(outbound.getJitter()).isEqualTo(33);
        // 5 of 20 lost: round(0.75^4 * 10) = 3.
        assertThat(outbound.getScore()).isEqualTo(3);
        assertThat(scoreEvents).containsExactly("consumer 3");
        assertThat(consumer.keyFrameRequestsReceived()).as("the PLI after the RR still reaches the consumer").isEqualTo(1);
        assertThat(stats.getStreams(1).getType()).as("then the producer's stream, as mediasoup").isEqualTo("inbound-rtp");
        assertThat(stats.getStreams(1).getSsrc()).isEqualTo((int) PRODUCER_SSRC);
    }

    @Test
    void producerGetStatsHasOneInboundEntryPerKnownStream() {
        tenPacketsOneLost();
        producerSide.sendReports();

        ProducerStats stats = StatsMapper.toProto(producer.stats(clock.monotonicMillis()));
        assertThat(stats.getStreamsList()).hasSize(1);
        RtpStreamStats inbound = stats.getStreams(0);
        assertThat(inbound.getType()).isEqualTo("inbound-rtp");
        assertThat(inbound.getSsrc()).isEqualTo((int) PRODUCER_SSRC);
        assertThat(inbound.getKind()).isEqualTo(MediaKind.VIDEO);
        assertThat(inbound.getMimeType()).isEqualTo("video/VP8");
        assertThat(inbound.getPacketCount()).isEqualTo(9);
        assertThat(inbound.getByteCount()).isEqualTo(9 * 16);
        assertThat(inbound.getPacketsLost()).isEqualTo(1);
        assertThat(inbound.getFractionLost()).isEqualTo(25);
        assertThat(inbound.getScore()).isEqualTo(6);
        // 9 x 16 bytes within the last second (the packets span 330 ms).
        assertThat(inbound.getBitrate()).isEqualTo(9 * 16 * 8);
        assertThat(inbound.getNackCount()).as("left for NACK").isZero();
    }

    @Test
    void nothingIsSentBeforeAnyMedia() {
        producerSide.sendReports();
        consumerSide.sendReports();
        assertThat(sending.rtcp).isEmpty();
        assertThat(receiving.rtcp).isEmpty();
        assertThat(scoreEvents).isEmpty();
    }

    @Test
    void theIntervalIsOneSecondWithVideoAndFiveForAudioAlone() {
        assertThat(producerSide.intervalMs()).isEqualTo(RtcpScheduler.VIDEO_INTERVAL_MS);
        TransportMedia empty = new TransportMedia(new RecordingTransport(0));
        assertThat(new RtcpScheduler(empty, new TestClock(0, 0), ByteBufAllocator.DEFAULT, 1, "x", null).intervalMs())
                .isEqualTo(RtcpScheduler.AUDIO_INTERVAL_MS);
    }
}
