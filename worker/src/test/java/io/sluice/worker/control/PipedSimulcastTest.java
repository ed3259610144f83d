package io.sluice.worker.control;

import static io.sluice.worker.control.LoopbackUdp.isRtcp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.api.v1.ConsumerGetStatsRequest;
import io.sluice.api.v1.ConsumerGetStatsResponse;
import io.sluice.api.v1.ConsumerLayers;
import io.sluice.api.v1.ConsumerSetPreferredLayersRequest;
import io.sluice.api.v1.ConsumerSetPreferredLayersResponse;
import io.sluice.api.v1.ConsumerStats;
import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.PipeTransportConnectRequest;
import io.sluice.api.v1.PipeTransportConnectResponse;
import io.sluice.api.v1.PipeTransportConsumeRequest;
import io.sluice.api.v1.PipeTransportInfo;
import io.sluice.api.v1.PlainTransportInfo;
import io.sluice.api.v1.ProducerDumpRequest;
import io.sluice.api.v1.ProducerDumpResponse;
import io.sluice.api.v1.RouterCreatePipeTransportRequest;
import io.sluice.api.v1.RouterCreatePipeTransportResponse;
import io.sluice.api.v1.RouterDumpRequest;
import io.sluice.api.v1.RouterDumpResponse;
import io.sluice.api.v1.RouterPipeToRouterRequest;
import io.sluice.api.v1.RouterPipeToRouterResponse;
import io.sluice.api.v1.RtcpParameters;
import io.sluice.api.v1.RtpCodecParameters;
import io.sluice.api.v1.RtpEncodingParameters;
import io.sluice.api.v1.RtpHeaderExtensionParameters;
import io.sluice.api.v1.RtpParameters;
import io.sluice.api.v1.RtpStreamStats;
import io.sluice.api.v1.TransportConsumeRequest;
import io.sluice.api.v1.TransportConsumeResponse;
import io.sluice.api.v1.TransportProduceRequest;
import io.sluice.api.v1.TransportProduceResponse;
import io.sluice.worker.router.ortc.RtpHeaderExtensionUris;
import io.sluice.worker.rtcp.FeedbackPsPli;
import io.sluice.worker.rtcp.RtcpCompoundIterator;
import io.sluice.worker.rtcp.RtcpHeader;
import io.sluice.worker.testsupport.ForwardedVp8;
import io.sluice.worker.testsupport.Patience;
import io.sluice.worker.testsupport.Vp8SimulcastSource;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A simulcast producer piped to a router on another loop stays simulcast there: a Java sender
 * sends three VP8 encodings (rid, L1T3) in real time into router A on loop 0, router.pipeToRouter
 * makes the producer consumable on router B on loop 1, and a simulcast consumer on B switches
 * between encodings, each switch's key frame asked for on B and answered by the sender on A (its
 * PLIs cross the pipe); what the receiver gets is one well-formed stream.
 */
class PipedSimulcastTest {

    private static final int PAYLOAD_TYPE = 96;
    private static final int RID_EXTENSION_ID = 10;
    private static final long[] SSRCS = {0x0D0D_0001L, 0x0E0E_0002L, 0x0F0F_0003L};
    private static final String[] RIDS = {"q", "h", "f"};
    /** Key frames only on request in practice: one every 15 s otherwise. */
    private static final int KEY_FRAME_INTERVAL = 300;

    private static RunningWorker process;
    private static ControlClient client;
    private static String workerA;
    private static String workerB;
    private final LoopbackUdp udp = new LoopbackUdp();
    private volatile boolean running = true;

    @BeforeAll
    static void start() throws Exception {
        process = RunningWorker.startLoops("pipe-simulcast", 47_500, 2);
        client = process.client;
        workerA = process.process.workerIds().get(0);
        workerB = process.process.workerIds().get(1);
    }

    @AfterAll
    static void stop() throws Exception {
        process.close();
    }

    @AfterEach
    void closeSockets() throws InterruptedException {
        running = false;
        udp.close();
    }

    private static RtpParameters simulcastParameters() {
        RtpParameters.Builder parameters = RtpParameters.newBuilder()
                .addCodecs(RtpCodecParameters.newBuilder().setMimeType("video/VP8").setPayloadType(PAYLOAD_TYPE)
                        .setClockRate(90000))
                .addHeaderExtensions(RtpHeaderExtensionParameters.newBuilder()
                        .setUri(RtpHeaderExtensionUris.RTP_STREAM_ID).setId(RID_EXTENSION_ID))
                .setRtcp(RtcpParameters.newBuilder().setCname("java-simulcast"));
        for (String rid : RIDS) {
            parameters.addEncodings(RtpEncodingParameters.newBuilder().setRid(rid).setScalabilityMode("L1T3"));
        }
        return parameters.build();
    }

    /** The sender SSRCs of the sender reports in an RTCP compound (RFC 3550 §6.4.1). */
    private static List<Long> senderReportSsrcs(byte[] datagram) {
        List<Long> ssrcs = new ArrayList<>();
        ByteBuf buf = Unpooled.wrappedBuffer(datagram);
        RtcpCompoundIterator iterator = new RtcpCompoundIterator().reset(buf);
        while (iterator.next()) {
            if (iterator.packetType() == RtcpHeader.TYPE_SR && iterator.packetLength() >= 28) {
                ssrcs.add(buf.getUnsignedInt(iterator.offset() + 4));
            }
        }
        buf.release();
        return ssrcs;
    }

    /** The media SSRCs the PLIs in an RTCP compound name (RFC 4585 §6.3.1). */
    private static List<Long> pliMediaSsrcs(byte[] datagram) {
        List<Long> ssrcs = new ArrayList<>();
        ByteBuf buf = Unpooled.wrappedBuffer(datagram);
        RtcpCompoundIterator iterator = new RtcpCompoundIterator().reset(buf);
        while (iterator.next()) {
            if (iterator.packetType() == RtcpHeader.TYPE_PSFB && iterator.count() == FeedbackPsPli.FMT
                    && iterator.packetLength() >= 12) {
                ssrcs.add(buf.getUnsignedInt(iterator.offset() + 8));
            }
        }
        buf.release();
        return ssrcs;
    }

    private static ConsumerLayers spatial(int spatial) {
        return ConsumerLayers.newBuilder().setSpatialLayer(spatial).build();
    }

    /** The three encodings of {@code source}, a frame each every frame interval, until the test ends. */
    private void sendInRealTime(Vp8SimulcastSource source, DatagramSocket sender, InetSocketAddress workerAddress) {
        udp.thread("sender", () -> {
            long startNs = System.nanoTime();
            for (int frame = 0; running; frame++) {
                try {
                    synchronized (source) {
                        for (int i = 2; i >= 0; i--) {
                            for (byte[] bytes : source.frame(i, frame)) {
                                sender.send(new DatagramPacket(bytes, bytes.length, workerAddress));
                            }
                        }
                    }
                    long sleepNs = startNs + (frame + 1L) * Vp8SimulcastSource.FRAME_INTERVAL_MS * 1_000_000
                            - System.nanoTime();
                    if (sleepNs > 0) {
                        Thread.sleep(sleepNs / 1_000_000, (int) (sleepNs % 1_000_000));
                    }
                } catch (Exception closed) {
                    return;
                }
            }
        });
    }

    private static String simulcastProducer(String workerId, PlainTransportInfo sendingTransport) throws Exception {
        return client.call(workerId, "transport.produce", TransportProduceRequest.newBuilder()
                .setTransportId(sendingTransport.getId()).setKind(MediaKind.VIDEO)
                .setRtpParameters(simulcastParameters()).build()).as(TransportProduceResponse.parser()).getProducerId();
    }

    @Test
    void aPipedSimulcastProducerIsSimulcastOnTheTargetAndItsConsumerSwitchesLayers() throws Exception {
        String routerA = PipedMedia.createRouter(client, workerA, "simulcast-a");
        String routerB = PipedMedia.createRouter(client, workerB, "simulcast-b");
        PipedMedia media = new PipedMedia(client, null, List.of());
        PlainTransportInfo sendingTransport = media.sendingTransport(workerA, routerA);
        String producerId = simulcastProducer(workerA, sendingTransport);
        client.call(workerA, "router.pipeToRouter", RouterPipeToRouterRequest.newBuilder().setRouterId(routerA)
                .setProducerId(producerId).setTargetWorkerId(workerB).setTargetRouterId(routerB).build())
                .as(RouterPipeToRouterResponse.parser());
        ProducerDumpResponse piped = client.call(workerB, "producer.dump", ProducerDumpRequest.newBuilder()
                .setProducerId(producerId).build()).as(ProducerDumpResponse.parser());
        assertThat(piped.getType()).isEqualTo("simulcast");
        assertThat(piped.getStreamsCount()).isEqualTo(3);

        DatagramSocket receiver = udp.socket();
        PlainTransportInfo receiving = client.call(workerB, "router.createPlainTransport",
                io.sluice.api.v1.RouterCreatePlainTransportRequest.newBuilder().setRouterId(routerB)
                        .setListenInfo(io.sluice.api.v1.TransportListenInfo.newBuilder().setIp("127.0.0.1")).build())
                .as(io.sluice.api.v1.RouterCreatePlainTransportResponse.parser()).getTransport();
        client.call(workerB, "plainTransport.connect", io.sluice.api.v1.PlainTransportConnectRequest.newBuilder()
                .setTransportId(receiving.getId()).setIp("127.0.0.1").setPort(receiver.getLocalPort()).build());
        var capabilities = client.call(workerB, "router.dump", RouterDumpRequest.newBuilder().setRouterId(routerB)
                .build()).as(RouterDumpResponse.parser()).getRtpCapabilities();
        TransportConsumeResponse consumed = client.call(workerB, "transport.consume", TransportConsumeRequest
                .newBuilder().setTransportId(receiving.getId()).setProducerId(producerId)
                .setRtpCapabilities(capabilities).setPreferredLayers(spatial(1)).build())
                .as(TransportConsumeResponse.parser());
        assertThat(consumed.getType()).isEqualTo("simulcast");
        assertThat(consumed.getRtpParameters().getEncodings(0).getScalabilityMode()).isEqualTo("L3T3");

        List<ForwardedVp8> received = new CopyOnWriteArrayList<>();
        udp.onDatagrams("receiver", receiver, (datagram, from) -> {
            if (!isRtcp(datagram)) {
                ByteBuf buf = Unpooled.wrappedBuffer(datagram);
                received.add(ForwardedVp8.parse(buf));
                buf.release();
            }
        });
        Vp8SimulcastSource source = new Vp8SimulcastSource(PAYLOAD_TYPE, RID_EXTENSION_ID, SSRCS, RIDS,
                KEY_FRAME_INTERVAL, 13);
        AtomicInteger plisFromTheWorker = new AtomicInteger();
        DatagramSocket sender = udp.socket();
        InetSocketAddress workerAddress = new InetSocketAddress("127.0.0.1", sendingTransport.getTuple().getLocalPort());
        udp.onDatagrams("sender-feedback", sender, (datagram, from) -> {
            if (isRtcp(datagram)) {
                synchronized (source) {
                    for (long ssrc : pliMediaSsrcs(datagram)) {
                        plisFromTheWorker.incrementAndGet();
                        source.requestKeyFrame(ssrc);
                    }
                }
            }
        });
        sendInRealTime(source, sender, workerAddress);

        await().atMost(Patience.WAIT).until(() -> received.stream().filter(p -> p.encoding() == 1).count() > 20);
        int plisBefore = plisFromTheWorker.get();
        ConsumerSetPreferredLayersResponse up = client.call(workerB, "consumer.setPreferredLayers",
                ConsumerSetPreferredLayersRequest.newBuilder().setConsumerId(consumed.getConsumerId())
                        .setPreferredLayers(spatial(2)).build()).as(ConsumerSetPreferredLayersResponse.parser());
        assertThat(up.getPreferredLayers().getSpatialLayer()).isEqualTo(2);
        await().atMost(Patience.WAIT).until(() -> received.stream().filter(p -> p.encoding() == 2).count() > 20);
        assertThat(plisFromTheWorker.get()).as("the switch's key frame request crossed the pipe to the sender")
                .isGreaterThan(plisBefore);
        client.call(workerB, "consumer.setPreferredLayers", ConsumerSetPreferredLayersRequest.newBuilder()
                .setConsumerId(consumed.getConsumerId()).setPreferredLayers(spatial(0)).build());
        int beforeDown = received.size();
        await().atMost(Patience.WAIT).until(() -> received.subList(beforeDown, received.size()).stream()
                .filter(p -> p.encoding() == 0).count() > 20);
        running = false;

        List<ForwardedVp8> stream = List.copyOf(received);
        ForwardedVp8.assertWellFormed(stream);
        assertThat(ForwardedVp8.encodings(stream)).containsExactly(1, 2, 0);
    }

    /**
     * A pipe consumer sends one stream per encoding, and each is a stream of its own on the wire
     * and in the figures: a sender report per encoding's SSRC (RFC 3550 §6.4.1, so the far end
     * can echo each in its report blocks), and getStats with an "outbound-rtp" entry per encoding
     * whose packets add up to the consumer's total.
     */
    @Test
    void aPipeConsumerReportsAndCountsEveryEncoding() throws Exception {
        String routerA = PipedMedia.createRouter(client, workerA, "pipe-reports-a");
        PipedMedia media = new PipedMedia(client, null, List.of());
        PlainTransportInfo sendingTransport = media.sendingTransport(workerA, routerA);
        String producerId = simulcastProducer(workerA, sendingTransport);
        DatagramSocket farEnd = udp.socket();
        PipeTransportInfo pipe = client.call(workerA, "router.createPipeTransport",
                RouterCreatePipeTransportRequest.newBuilder().setRouterId(routerA)
                        .setListenInfo(io.sluice.api.v1.TransportListenInfo.newBuilder().setIp("127.0.0.1")).build())
                .as(RouterCreatePipeTransportResponse.parser()).getTransport();
        client.call(workerA, "pipeTransport.connect", PipeTransportConnectRequest.newBuilder()
                .setTransportId(pipe.getId()).setIp("127.0.0.1").setPort(farEnd.getLocalPort()).build())
                .as(PipeTransportConnectResponse.parser());
        TransportConsumeResponse pipeConsumer = client.call(workerA, "pipeTransport.consume",
                PipeTransportConsumeRequest.newBuilder().setTransportId(pipe.getId()).setProducerId(producerId)
                        .build()).as(TransportConsumeResponse.parser());
        List<Long> encodingSsrcs = pipeConsumer.getRtpParameters().getEncodingsList().stream()
                .map(encoding -> Integer.toUnsignedLong(encoding.getSsrc())).toList();
        assertThat(encodingSsrcs).hasSize(3).doesNotHaveDuplicates();

        java.util.Set<Long> reported = java.util.concurrent.ConcurrentHashMap.newKeySet();
        udp.onDatagrams("far-end", farEnd, (datagram, from) -> {
            if (isRtcp(datagram)) {
                reported.addAll(senderReportSsrcs(datagram));
            }
        });
        Vp8SimulcastSource source = new Vp8SimulcastSource(PAYLOAD_TYPE, RID_EXTENSION_ID, SSRCS, RIDS,
                KEY_FRAME_INTERVAL, 17);
        sendInRealTime(source, udp.socket(), new InetSocketAddress("127.0.0.1",
                sendingTransport.getTuple().getLocalPort()));

        await().atMost(Patience.WAIT).untilAsserted(() -> assertThat(reported).containsAll(encodingSsrcs));
        ConsumerStats stats = client.call(workerA, "consumer.getStats", ConsumerGetStatsRequest.newBuilder()
                .setConsumerId(pipeConsumer.getConsumerId()).build()).as(ConsumerGetStatsResponse.parser()).getStats();
        List<RtpStreamStats> outbound = stats.getStreamsList().stream()
                .filter(stream -> stream.getType().equals("outbound-rtp")).toList();
        assertThat(outbound).extracting(stream -> Integer.toUnsignedLong(stream.getSsrc()))
                .containsExactlyElementsOf(encodingSsrcs);
        assertThat(outbound).allSatisfy(stream -> assertThat(stream.getPacketCount()).isPositive());
        assertThat(outbound.stream().mapToLong(RtpStreamStats::getPacketCount).sum())
                .isEqualTo(stats.getPacketsSent());
    }
}
