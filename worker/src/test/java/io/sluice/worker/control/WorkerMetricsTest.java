package io.sluice.worker.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.api.v1.ErrorCode;
import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.ParameterValue;
import io.sluice.api.v1.PlainTransportInfo;
import io.sluice.api.v1.RouterDumpRequest;
import io.sluice.api.v1.RtcpFeedback;
import io.sluice.api.v1.RtcpParameters;
import io.sluice.api.v1.RtpCodecParameters;
import io.sluice.api.v1.RtpEncodingParameters;
import io.sluice.api.v1.RtpParameters;
import io.sluice.api.v1.RtxParameters;
import io.sluice.api.v1.TransportConsumeRequest;
import io.sluice.api.v1.TransportConsumeResponse;
import io.sluice.worker.rtcp.FeedbackPacket;
import io.sluice.worker.rtcp.FeedbackPsFir;
import io.sluice.worker.rtcp.FeedbackPsPli;
import io.sluice.worker.rtcp.FeedbackRtpNack;
import io.sluice.worker.testsupport.Patience;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /metrics}, {@code /healthz} and {@code /readyz} of a worker process on real NATS and
 * Redis, scraped over HTTP while real requests and datagrams reach it.
 */
class WorkerMetricsTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static RunningWorker worker;

    @BeforeAll
    static void start() throws Exception {
        worker = RunningWorker.start("metrics", 45000);
    }

    @AfterAll
    static void stop() throws Exception {
        if (worker != null) {
            worker.close();
        }
    }

    private final LoopbackUdp udp = new LoopbackUdp();

    @AfterEach
    void closeSockets() throws InterruptedException {
        udp.close();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + worker.process.metricsPort() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The value of the one series named {@code name} whose labels contain every one of {@code labels}. */
    private static double value(String name, String... labels) throws Exception {
        String text = get("/metrics").body();
        return text.lines()
                .filter(line -> line.startsWith(name + "{") && Arrays.stream(labels).allMatch(line::contains))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElse(Double.NaN);
    }

    private String worker() {
        return "worker=\"" + worker.workerId + "\"";
    }

    @Test
    void healthAnswersAndReadinessFollowsNats() throws Exception {
        assertThat(get("/healthz").statusCode()).isEqualTo(200);
        await().atMost(Patience.WAIT).until(() -> get("/readyz").statusCode() == 200);
        assertThat(get("/nothing").statusCode()).isEqualTo(404);

        worker.nats.stop();
        try {
            await().atMost(Patience.WAIT).until(() -> get("/readyz").statusCode() == 503);
            assertThat(get("/readyz").body()).startsWith("NATS is ");
            assertThat(get("/healthz").statusCode()).isEqualTo(200);
        } finally {
            worker.nats.startAgain();
        }
        await().atMost(Patience.WAIT).until(() -> get("/readyz").statusCode() == 200);
    }

    @Test
    void controlRequestsAreTimedByMethodAndErrorsCountedByCode() throws Exception {
        String routerId = worker.createRouter("metrics-room");
        ErrorCode missing = worker.client.call(worker.workerId, "router.dump",
                RouterDumpRequest.newBuilder().setRouterId("no-such-router").build()).code();

        assertThat(missing).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(value("sluice_control_request_duration_seconds_count", "method=\"worker.createRouter\"",
                "code=\"OK\"")).isGreaterThanOrEqualTo(1);
        assertThat(value("sluice_control_request_duration_seconds_count", "method=\"router.dump\"",
                "code=\"NOT_FOUND\"")).isGreaterThanOrEqualTo(1);
        assertThat(value("sluice_control_errors_total", "code=\"NOT_FOUND\"")).isGreaterThanOrEqualTo(1);
        assertThat(value("sluice_routers", worker())).isGreaterThanOrEqualTo(1);
        assertThat(routerId).isNotEmpty();
    }

    @Test
    void datagramsAreCountedPerLoopAndDropsByReason() throws Exception {
        String routerId = worker.createRouter("metrics-traffic");
        PlainTransportInfo transport = worker.createPlainTransport(routerId, false);
        try (DatagramSocket peer = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                DatagramSocket stranger = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            double strangerBefore = value("sluice_packets_dropped_total", worker(), "reason=\"unknown_tuple\"");
            InetAddress loopback = InetAddress.getLoopbackAddress();
            int port = transport.getTuple().getLocalPort();
            // RTP version 2, payload type 96 (RFC 3550 §5.1), no producer: received, then not forwarded.
            byte[] rtp = new byte[40];
            rtp[0] = (byte) 0x80;
            rtp[1] = 96;
            // A first byte of 0 is STUN's range (RFC 7983 §7), which a plain transport does not take.
            byte[] notRtp = new byte[20];

            // Before connect no peer is known: whoever sends is a stranger. After it the socket is
            // connected to the peer and the kernel turns strangers away before the loop counts them.
            await().atMost(Patience.WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
                stranger.send(new DatagramPacket(rtp, rtp.length, loopback, port));
                return value("sluice_packets_dropped_total", worker(), "reason=\"unknown_tuple\"") >= strangerBefore + 3;
            });
            worker.connectPlainTransport(transport.getId(), peer.getLocalPort());
            double receivedBefore = value("sluice_packets_received_total", worker());
            double unknownBefore = value("sluice_packets_dropped_total", worker(), "reason=\"unknown_packet\"");
            await().atMost(Patience.WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
                peer.send(new DatagramPacket(rtp, rtp.length, loopback, port));
                peer.send(new DatagramPacket(notRtp, notRtp.length, loopback, port));
                return value("sluice_packets_received_total", worker()) >= receivedBefore + 2
                        && value("sluice_packets_dropped_total", worker(), "reason=\"unknown_packet\"") >= unknownBefore + 3;
            });
            assertThat(value("sluice_bytes_received_total", worker())).isGreaterThanOrEqualTo(3 * 40);
            assertThat(value("sluice_transports", worker())).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void loopAndJvmSeriesAreThere() throws Exception {
        assertThat(value("sluice_loop_busy_ratio", worker())).isBetween(0.0, 1.0);
        assertThat(value("sluice_loop_task_queue_delay_seconds", worker())).isGreaterThanOrEqualTo(0);
        String text = get("/metrics").body();
        assertThat(get("/metrics").headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
        assertThat(text).contains("# TYPE sluice_packets_received_total counter", "jvm_memory_used_bytes{",
                "jvm_gc_collection_seconds", "jvm_threads_current", "process_open_fds");
    }

    /**
     * A sender whose stream has gaps makes the producer NACK (RFC 4585 §6.2.1); a receiver that
     * NACKs a packet it got makes the consumer resend it, and its PLI (§6.3.1) and FIR (RFC 5104
     * §4.3.1) make the producer send a PLI to the sender.
     */
    @Test
    void nacksRetransmissionsAndKeyFrameRequestsAreCountedPerLoop() throws Exception {
        int videoSsrc = 0x0A0B0C0E;
        RtpParameters vp8WithNackAndRtx = RtpParameters.newBuilder()
                .addCodecs(RtpCodecParameters.newBuilder().setMimeType("video/VP8").setPayloadType(101)
                        .setClockRate(90000).addRtcpFeedback(RtcpFeedback.newBuilder().setType("nack"))
                        .addRtcpFeedback(RtcpFeedback.newBuilder().setType("nack").setParameter("pli")))
                .addCodecs(RtpCodecParameters.newBuilder().setMimeType("video/rtx").setPayloadType(102)
                        .setClockRate(90000).putParameters("apt", ParameterValue.newBuilder().setIntValue(101).build()))
                .addEncodings(RtpEncodingParameters.newBuilder().setSsrc(videoSsrc)
                        .setRtx(RtxParameters.newBuilder().setSsrc(0x0E0F1012)))
                .setRtcp(RtcpParameters.newBuilder().setCname("metrics-sender"))
                .build();
        String routerId = worker.createRouter("metrics-feedback");
        PlainTransportInfo sending = worker.createPlainTransport(routerId, true);
        String producerId = worker.produce(sending.getId(), MediaKind.VIDEO, vp8WithNackAndRtx);
        PlainTransportInfo receiving = worker.createPlainTransport(routerId, false);
        DatagramSocket receiver = udp.socket();
        worker.connectPlainTransport(receiving.getId(), receiver.getLocalPort());
        TransportConsumeResponse consumer = worker.client.call(worker.workerId, "transport.consume",
                        TransportConsumeRequest.newBuilder().setTransportId(receiving.getId()).setProducerId(producerId)
                                .setRtpCapabilities(worker.routerCapabilities(routerId)).build())
                .as(TransportConsumeResponse.parser());
        long consumerSsrc = Integer.toUnsignedLong(consumer.getRtpParameters().getEncodings(0).getSsrc());
        Set<Integer> forwarded = ConcurrentHashMap.newKeySet();
        udp.onDatagrams("receiver", receiver, (datagram, from) -> {
            if (!LoopbackUdp.isRtcp(datagram) && Integer.toUnsignedLong(ByteBuffer.wrap(datagram).getInt(8)) == consumerSsrc) {
                forwarded.add(ByteBuffer.wrap(datagram).getShort(2) & 0xFFFF);
            }
        });
        DatagramSocket sender = udp.socket();
        InetSocketAddress producerSide = new InetSocketAddress("127.0.0.1", sending.getTuple().getLocalPort());
        InetSocketAddress consumerSide = new InetSocketAddress("127.0.0.1", receiving.getTuple().getLocalPort());
        double nacksSentBefore = value("sluice_nacks_sent_total", worker());
        double nacksReceivedBefore = value("sluice_nacks_received_total", worker());
        double retransmittedBefore = value("sluice_packets_retransmitted_total", worker());
        double plisReceivedBefore = value("sluice_plis_received_total", worker());
        double firsReceivedBefore = value("sluice_firs_received_total", worker());
        double plisSentBefore = value("sluice_plis_sent_total", worker());

        // Every fourth sequence number never leaves the sender: the producer NACKs the gaps.
        AtomicInteger next = new AtomicInteger(1);
        await().atMost(Patience.WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
            for (int i = 0; i < 4; i++) {
                int sequenceNumber = next.getAndIncrement();
                if (sequenceNumber % 4 != 0) {
                    byte[] rtp = ByteBuffer.allocate(112).put((byte) 0x80).put((byte) 101)
                            .putShort((short) sequenceNumber).putInt(sequenceNumber * 3000).putInt(videoSsrc).array();
                    sender.send(new DatagramPacket(rtp, rtp.length, producerSide));
                }
            }
            return value("sluice_nacks_sent_total", worker()) > nacksSentBefore && !forwarded.isEmpty();
        });

        int received = forwarded.iterator().next();
        byte[] nack = rtcp(FeedbackRtpNack.ofLostSequenceNumbers(0x1234, consumerSsrc, new int[] {received}));
        byte[] pli = rtcp(new FeedbackPsPli(0x1234, consumerSsrc));
        byte[] fir = rtcp(FeedbackPsFir.of(0x1234, consumerSsrc, 1));
        await().atMost(Patience.WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            receiver.send(new DatagramPacket(nack, nack.length, consumerSide));
            receiver.send(new DatagramPacket(pli, pli.length, consumerSide));
            receiver.send(new DatagramPacket(fir, fir.length, consumerSide));
            return value("sluice_nacks_received_total", worker()) > nacksReceivedBefore
                    && value("sluice_packets_retransmitted_total", worker()) > retransmittedBefore
                    && value("sluice_plis_received_total", worker()) > plisReceivedBefore
                    && value("sluice_firs_received_total", worker()) > firsReceivedBefore
                    && value("sluice_plis_sent_total", worker()) > plisSentBefore;
        });

        // One series per consumer only on the opt-in path.
        String consumerLabel = "consumer=\"" + consumer.getConsumerId() + "\"";
        String perConsumer = get("/metrics/consumers").body();
        assertThat(perConsumer.lines().filter(line -> line.startsWith("sluice_consumer_packets_sent_total{")
                        && line.contains(consumerLabel) && line.contains("producer=\"" + producerId + "\"")
                        && line.contains("kind=\"video\""))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))))
                .singleElement().satisfies(packets -> assertThat(packets).isPositive());
        assertThat(perConsumer).contains("sluice_consumer_packets_retransmitted_total{", "sluice_consumer_score{");
        assertThat(get("/metrics").body()).doesNotContain("sluice_consumer_");
    }

    private static byte[] rtcp(FeedbackPacket packet) {
        ByteBuf buf = Unpooled.buffer(packet.serializedLength());
        packet.writeTo(buf);
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        buf.release();
        return bytes;
    }
}
