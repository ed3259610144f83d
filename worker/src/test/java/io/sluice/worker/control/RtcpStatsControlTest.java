package io.sluice.worker.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.sluice.api.v1.ConsumerGetStatsResponse;
import io.sluice.api.v1.Event;
import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.PlainTransportInfo;
import io.sluice.api.v1.RtcpParameters;
import io.sluice.api.v1.RtpCodecParameters;
import io.sluice.api.v1.RtpEncodingParameters;
import io.sluice.api.v1.RtpParameters;
import io.sluice.api.v1.RtpStreamStats;
import io.sluice.api.v1.TransportConsumeRequest;
import io.sluice.api.v1.TransportConsumeResponse;
import io.sluice.worker.rtcp.ReceiverReport;
import io.sluice.worker.rtcp.ReportBlock;
import io.sluice.worker.rtcp.RtcpCompound;
import io.sluice.worker.rtcp.RtcpHeader;
import io.sluice.worker.rtcp.RtcpPacket;
import io.sluice.worker.rtcp.SenderReport;
import io.sluice.worker.rtcp.SourceDescription;
import io.sluice.worker.testsupport.ExternalTool;
import io.sluice.worker.testsupport.ManagedProcess;
import io.sluice.worker.testsupport.Patience;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * RTCP, stats and scores end to end on a real worker over NATS: real ffmpeg sends VP8 into a
 * comedia plain transport, a consumer forwards it to a Java socket on a second plain transport.
 * The socket receives the worker's sender reports and answers with a receiver report whose loss
 * and LSR/DLSR the consumer's stats then show; producer and consumer "score" events arrive on NATS.
 */
@ExtendWith(SharedWorker.class)
class RtcpStatsControlTest {

    private static final Duration WAIT = Patience.WAIT;
    private static final int VIDEO_SSRC = 0x33445566;

    private static RunningWorker worker;
    private static ControlClient client;
    private static String workerId;
    private static List<Event> events;
    private final List<ManagedProcess> ffmpegs = new ArrayList<>();
    private DatagramSocket peer;
    private Thread peerReader;

    @TempDir
    Path dir;

    @BeforeAll
    static void start(RunningWorker shared) {
        worker = shared;
        workerId = worker.workerId;
        client = worker.client;
        events = worker.events;
    }

    @AfterEach
    void stopPeers() throws InterruptedException {
        ffmpegs.forEach(ManagedProcess::stop);
        if (peer != null) {
            peer.close();
            peerReader.join(5000);
        }
    }

    private static List<Event> scoreEvents(Event.BodyCase body, String routerId) {
        return events.stream().filter(e -> e.getRouterId().equals(routerId) && e.getBodyCase() == body).toList();
    }

    @Test
    void senderReportsReachThePeerItsReceiverReportFillsConsumerStatsAndScoresArePublished() throws Exception {
        String routerId = worker.createRouter("rtcp-room");
        PlainTransportInfo sending = worker.createPlainTransport(routerId, true);
        String producerId = worker.produce(sending.getId(), MediaKind.VIDEO, RtpParameters.newBuilder()
                .addCodecs(RtpCodecParameters.newBuilder().setMimeType("video/VP8").setPayloadType(101)
                        .setClockRate(90000))
                .addEncodings(RtpEncodingParameters.newBuilder().setSsrc(VIDEO_SSRC))
                .setRtcp(RtcpParameters.newBuilder().setCname("ffmpeg"))
                .build());

        peer = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        List<SenderReport> senderReports = new CopyOnWriteArrayList<>();
        List<SourceDescription> descriptions = new CopyOnWriteArrayList<>();
        AtomicLong rtpPackets = new AtomicLong();
        Map<SenderReport, Long> srArrivalMs = new ConcurrentHashMap<>();
        peerReader = Thread.ofPlatform().name("rtcp-peer").start(() -> readPeer(rtpPackets, senderReports,
                descriptions, srArrivalMs));

        PlainTransportInfo receiving = worker.createPlainTransport(routerId, false);
        worker.connectPlainTransport(receiving.getId(), peer.getLocalPort());
        TransportConsumeResponse consumer = client.call(workerId, "transport.consume", TransportConsumeRequest.newBuilder()
                        .setTransportId(receiving.getId()).setProducerId(producerId)
                        .setRtpCapabilities(worker.routerCapabilities(routerId))
                        .build())
                .as(TransportConsumeResponse.parser());
        long consumerSsrc = Integer.toUnsignedLong(consumer.getRtpParameters().getEncodings(0).getSsrc());

        // Encoded first, sent in real time after: an encoder starved of CPU on a busy machine would
        // send its frames late and in bursts, and the producer's score counts that jitter.
        Path ffmpeg = ExternalTool.require("ffmpeg", "ffmpeg");
        Path encoded = dir.resolve("testsrc.ivf");
        ManagedProcess encoder = new ManagedProcess(List.of(ffmpeg.toString(), "-hide_banner", "-nostdin", "-y",
                "-f", "lavfi", "-i", "testsrc=size=320x240:rate=20", "-frames:v", "100", "-c:v", "libvpx", "-cpu-used", "8",
                "-deadline", "realtime", "-g", "10", "-b:v", "300k", "-an", "-f", "ivf", encoded.toString()),
                dir.resolve("encoder.log")).start();
        ffmpegs.add(encoder);
        await().atMost(WAIT).until(() -> !encoder.isAlive());
        assertThat(Files.size(encoded)).as("encoder log:%n%s", encoder.log()).isPositive();
        int port = sending.getTuple().getLocalPort();
        ManagedProcess sender = new ManagedProcess(List.of(ffmpeg.toString(), "-hide_banner", "-nostdin", "-y",
                "-re", "-stream_loop", "-1", "-i", encoded.toString(), "-c:v", "copy", "-an",
                "-ssrc", String.valueOf(VIDEO_SSRC),
                "-payload_type", "101", "-f", "rtp", "rtp://127.0.0.1:" + port + "?rtcpport=" + port),
                dir.resolve("sender.log")).start();
        ffmpegs.add(sender);

        // Each report interval scores the producer's stream and publishes a change: loopback loses
        // nothing, so it reaches 10 (a late first interval on a busy machine may cost a jitter point).
        await().atMost(WAIT).until(() -> scoreEvents(Event.BodyCase.PRODUCER_SCORE, routerId).stream()
                .anyMatch(event -> event.getProducerScore().getScores(0).getScore() == 10));
        assertThat(scoreEvents(Event.BodyCase.PRODUCER_SCORE, routerId)).allSatisfy(producerScore -> {
            assertThat(producerScore.getProducerScore().getScoresList()).hasSize(1);
            assertThat(producerScore.getProducerScore().getScores(0).getSsrc()).isEqualTo(VIDEO_SSRC);
        });
        await().atMost(WAIT).until(() -> scoreEvents(Event.BodyCase.CONSUMER_SCORE, routerId).stream()
                .anyMatch(event -> event.getConsumerScore().getProducerScore() == 10));

        // Sender reports for the consumer's stream reach the peer, with its CNAME.
        await().atMost(WAIT).until(() -> senderReports.size() >= 2);
        SenderReport sr = senderReports.get(senderReports.size() - 1);
        assertThat(sr.senderSsrc()).isEqualTo(consumerSsrc);
        assertThat(sr.packetCount()).isPositive().isLessThanOrEqualTo(rtpPackets.get());
        assertThat(sr.octetCount()).isGreaterThan(sr.packetCount() * 10);
        long ntpSeconds = sr.ntpTimestamp() >>> 32;
        long arrivalNtpSeconds = srArrivalMs.get(sr) / 1000 + 2_208_988_800L;
        // Sent before it arrived; how long before is the machine's business, a minute is room enough.
        assertThat(ntpSeconds).as("NTP time from the wall clock").isBetween(arrivalNtpSeconds - 60, arrivalNtpSeconds);
        assertThat(descriptions).anySatisfy(sdes -> assertThat(sdes.chunks().get(0).ssrc()).isEqualTo(consumerSsrc));

        // While media flows: sane producer stats (in one sample; a starved sender may need a few).
        await().atMost(WAIT).untilAsserted(() -> {
            RtpStreamStats inbound = worker.producerStats(producerId).getStats().getStreams(0);
            assertThat(inbound.getType()).isEqualTo("inbound-rtp");
            assertThat(inbound.getSsrc()).isEqualTo(VIDEO_SSRC);
            assertThat(inbound.getMimeType()).isEqualTo("video/VP8");
            assertThat(inbound.getPacketCount()).isPositive();
            assertThat(inbound.getByteCount()).isGreaterThan(inbound.getPacketCount() * 12);
            assertThat(inbound.getBitrate()).as("300 kbit/s asked of libvpx").isBetween(50_000L, 2_000_000L);
            assertThat(inbound.getPacketsLost()).isZero();
            assertThat(inbound.getJitter()).as("under a second at 90 kHz").isLessThan(90_000);
            assertThat(inbound.getScore()).isEqualTo(10);
        });

        // The peer reports 3 lost and echoes the SR after holding it 20 ms (RFC 3550 §6.4.1).
        long held = System.currentTimeMillis() - srArrivalMs.get(sr);
        ReportBlock block = new ReportBlock(consumerSsrc, 10, 3, 1000, 45, sr.compactNtp(), held * 65536 / 1000);
        ByteBuf rr = Unpooled.buffer();
        RtcpCompound.write(List.of(new ReceiverReport(0x12345678L, List.of(block)),
                SourceDescription.ofCname(0x12345678L, "java-peer")), rr);
        byte[] rrBytes = ByteBufUtil.getBytes(rr);
        rr.release();
        peer.send(new DatagramPacket(rrBytes, rrBytes.length,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), receiving.getTuple().getLocalPort())));

        await().atMost(WAIT).untilAsserted(() -> {
            RtpStreamStats outbound = worker.consumerStats(consumer.getConsumerId()).getStats().getStreams(0);
            assertThat(outbound.getType()).isEqualTo("outbound-rtp");
            assertThat(outbound.getPacketsLost()).isEqualTo(3);
            assertThat(outbound.getFractionLost()).isEqualTo(10);
            assertThat(outbound.getJitter()).isEqualTo(45);
        });
        ConsumerGetStatsResponse stats = worker.consumerStats(consumer.getConsumerId());
        RtpStreamStats outbound = stats.getStats().getStreams(0);
        assertThat(outbound.getSsrc()).isEqualTo((int) consumerSsrc);
        assertThat(outbound.getPacketCount()).isPositive();
        assertThat(outbound.getBitrate()).isPositive();
        assertThat(outbound.getRoundTripTime()).as("loopback, in ms").isBetween(0.0, 1000.0);
        assertThat(stats.getStats().getStreams(1).getType()).isEqualTo("inbound-rtp");
    }

    /** Counts RTP and parses RTCP (RFC 5761 §4 tells them apart on the one port) until the socket closes. */
    private void readPeer(AtomicLong rtpPackets, List<SenderReport> senderReports, List<SourceDescription> descriptions,
            Map<SenderReport, Long> srArrivalMs) {
        byte[] buffer = new byte[2048];
        while (!peer.isClosed()) {
            DatagramPacket datagram = new DatagramPacket(buffer, buffer.length);
            try {
                peer.receive(datagram);
            } catch (SocketException closed) {
                return;
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
            ByteBuf buf = Unpooled.wrappedBuffer(buffer, 0, datagram.getLength());
            if (!RtcpHeader.looksLikeRtcp(buf, 0, datagram.getLength())) {
                rtpPackets.incrementAndGet();
                continue;
            }
            List<RtcpPacket> compound = RtcpCompound.parse(buf);
            assertThat(compound).as("a well-formed compound").isNotNull();
            for (RtcpPacket packet : compound) {
                if (packet instanceof SenderReport sr) {
                    srArrivalMs.put(sr, System.currentTimeMillis());
                    senderReports.add(sr);
                } else if (packet instanceof SourceDescription sdes) {
                    descriptions.add(sdes);
                }
            }
        }
    }
}
