package io.sluice.worker.control;

import static io.sluice.worker.control.LoopbackUdp.isRtcp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.api.v1.ConsumerDumpRequest;
import io.sluice.api.v1.ConsumerDumpResponse;
import io.sluice.api.v1.ConsumerGetStatsResponse;
import io.sluice.api.v1.ConsumerLayers;
import io.sluice.api.v1.ConsumerSetPreferredLayersRequest;
import io.sluice.api.v1.ConsumerSetPreferredLayersResponse;
import io.sluice.api.v1.ErrorCode;
import io.sluice.api.v1.Event;
import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.ProducerDumpResponse;
import io.sluice.api.v1.ProducerDumpRequest;
import io.sluice.api.v1.TransportProduceResponse;
import io.sluice.api.v1.TransportProduceRequest;
import io.sluice.api.v1.PlainTransportInfo;
import io.sluice.api.v1.RtcpParameters;
import io.sluice.api.v1.RtpCapabilities;
import io.sluice.api.v1.RtpCodecParameters;
import io.sluice.api.v1.RtpEncodingParameters;
import io.sluice.api.v1.RtpHeaderExtensionParameters;
import io.sluice.api.v1.RtpParameters;
import io.sluice.api.v1.TransportConsumeRequest;
import io.sluice.api.v1.TransportConsumeResponse;
import io.sluice.worker.router.ortc.RtpHeaderExtensionUris;
import io.sluice.worker.rtcp.FeedbackPsPli;
import io.sluice.worker.rtcp.RtcpCompoundIterator;
import io.sluice.worker.rtcp.RtcpHeader;
import io.sluice.worker.rtcp.SenderReport;
import io.sluice.worker.testsupport.ForwardedVp8;
import io.sluice.worker.testsupport.Patience;
import io.sluice.worker.testsupport.Vp8SimulcastSource;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Simulcast through a real worker over NATS: a Java sender sends generated VP8 simulcast (three
 * encodings with rid, three temporal layers, sender reports every second, key frames on PLI) in
 * real time into a comedia plain transport; a simulcast consumer on a second plain transport sends
 * to a Java receiver. consumer.setPreferredLayers moves it between encodings and temporal layers,
 * an encoding that stops sending makes it fall back and come back, and each change of forwarded
 * layers arrives as a "layerschange" event on NATS; what arrives is one well-formed stream.
 */
@ExtendWith(SharedWorker.class)
class SimulcastControlTest {

    private static final Duration WAIT = Patience.WAIT;
    private static final int PAYLOAD_TYPE = 96;
    private static final int RID_EXTENSION_ID = 10;
    private static final long[] SSRCS = {0x0A0A_0001L, 0x0B0B_0002L, 0x0C0C_0003L};
    private static final String[] RIDS = {"q", "h", "f"};
    /** Key frames only on request in practice: one every 15 s otherwise. */
    private static final int KEY_FRAME_INTERVAL = 300;

    private static RunningWorker worker;
    private static ControlClient client;
    private static String workerId;

    private final LoopbackUdp udp = new LoopbackUdp();
    private final boolean[] sendingEncodings = {true, true, true};
    private volatile boolean running = true;

    @BeforeAll
    static void start(RunningWorker shared) {
        worker = shared;
        workerId = worker.workerId;
        client = worker.client;
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

    private static byte[] senderReport(long ssrc, int frame, long rtpTimestamp) {
        SenderReport report = new SenderReport(ssrc, Vp8SimulcastSource.ntpTimestamp(frame), rtpTimestamp, 0, 0,
                List.of());
        ByteBuf buf = Unpooled.buffer(report.serializedLength());
        report.writeTo(buf);
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        buf.release();
        return bytes;
    }

    /** The media SSRCs the PLIs in an RTCP compound name. */
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

    private static ConsumerLayers layers(int spatial, int temporal) {
        return ConsumerLayers.newBuilder().setSpatialLayer(spatial).setTemporalLayer(temporal).build();
    }

    private static ConsumerLayers spatial(int spatial) {
        return ConsumerLayers.newBuilder().setSpatialLayer(spatial).build();
    }

    /** The layers of each "layerschange" of the router so far; null for none. */
    private static List<ConsumerLayers> layerEvents(String routerId) {
        List<ConsumerLayers> layers = new ArrayList<>();
        for (Event event : worker.events) {
            if (event.getRouterId().equals(routerId) && event.hasConsumerLayersChanged()) {
                layers.add(event.getConsumerLayersChanged().hasLayers() ? event.getConsumerLayersChanged().getLayers()
                        : null);
            }
        }
        return layers;
    }

    private static List<ConsumerLayers> eventsSince(String routerId, int from) {
        List<ConsumerLayers> all = layerEvents(routerId);
        return all.subList(from, all.size());
    }

    private static ControlClient.Reply setPreferredLayers(String consumerId, ConsumerLayers preferred)
            throws Exception {
        ConsumerSetPreferredLayersRequest.Builder request = ConsumerSetPreferredLayersRequest.newBuilder()
                .setConsumerId(consumerId);
        if (preferred != null) {
            request.setPreferredLayers(preferred);
        }
        return client.call(workerId, "consumer.setPreferredLayers", request.build());
    }

    @Test
    void aSimulcastConsumerSwitchesFallsBackAndReportsItsLayersOverNats() throws Exception {
        String routerId = worker.createRouter("simulcast-room");
        RtpCapabilities capabilities = worker.routerCapabilities(routerId);
        PlainTransportInfo sendingTransport = worker.createPlainTransport(routerId, true);
        TransportProduceResponse produced = client.call(workerId, "transport.produce", TransportProduceRequest.newBuilder()
                        .setTransportId(sendingTransport.getId()).setKind(MediaKind.VIDEO)
                        .setRtpParameters(simulcastParameters()).build())
                .as(TransportProduceResponse.parser());
        assertThat(produced.getType()).isEqualTo("simulcast");
        String producerId = produced.getProducerId();
        assertThat(client.call(workerId, "producer.dump", ProducerDumpRequest.newBuilder().setProducerId(producerId)
                .build()).as(ProducerDumpResponse.parser()).getType()).isEqualTo("simulcast");

        DatagramSocket receiver = udp.socket();
        PlainTransportInfo receivingTransport = worker.createPlainTransport(routerId, false);
        worker.connectPlainTransport(receivingTransport.getId(), receiver.getLocalPort());
        TransportConsumeResponse consumed = client.call(workerId, "transport.consume", TransportConsumeRequest.newBuilder()
                        .setTransportId(receivingTransport.getId()).setProducerId(producerId)
                        .setRtpCapabilities(capabilities).setPreferredLayers(spatial(1)).build())
                .as(TransportConsumeResponse.parser());
        assertThat(consumed.getType()).isEqualTo("simulcast");
        assertThat(consumed.getPreferredLayers()).isEqualTo(layers(1, 2));
        assertThat(consumed.getRtpParameters().getEncodingsList()).singleElement()
                .satisfies(encoding -> assertThat(encoding.getScalabilityMode()).isEqualTo("L3T3"));
        String consumerId = consumed.getConsumerId();

        List<ForwardedVp8> received = new CopyOnWriteArrayList<>();
        List<Long> receivedAtMs = new CopyOnWriteArrayList<>();
        udp.onDatagrams("receiver", receiver, (datagram, from) -> {
            if (!isRtcp(datagram)) {
                ByteBuf buf = Unpooled.wrappedBuffer(datagram);
                received.add(ForwardedVp8.parse(buf));
                receivedAtMs.add(System.nanoTime() / 1_000_000);
                buf.release();
            }
        });

        Vp8SimulcastSource source = new Vp8SimulcastSource(PAYLOAD_TYPE, RID_EXTENSION_ID, SSRCS, RIDS,
                KEY_FRAME_INTERVAL, 11);
        DatagramSocket sender = udp.socket();
        InetSocketAddress workerAddress = new InetSocketAddress("127.0.0.1", sendingTransport.getTuple().getLocalPort());
        udp.onDatagrams("sender-feedback", sender, (datagram, from) -> {
            if (isRtcp(datagram)) {
                synchronized (source) {
                    pliMediaSsrcs(datagram).forEach(source::requestKeyFrame);
                }
            }
        });
        udp.thread("sender", () -> {
            long startNs = System.nanoTime();
            for (int frame = 0; running; frame++) {
                try {
                    synchronized (source) {
                        for (int i = 2; i >= 0; i--) {
                            if (!sendingEncodings[i]) {
                                continue;
                            }
                            // The SR follows the frame: a rid-only encoding's SSRC is known from its first packet.
                            List<byte[]> datagrams = new ArrayList<>(source.frame(i, frame));
                            if (frame % 20 == 0) {
                                datagrams.add(senderReport(SSRCS[i], frame, source.encoding(i).timestamp(frame)));
                            }
                            for (byte[] bytes : datagrams) {
                                sender.send(new DatagramPacket(bytes, bytes.length, workerAddress));
                            }
                        }
                    }
                    long nextNs = startNs + (frame + 1L) * Vp8SimulcastSource.FRAME_INTERVAL_MS * 1_000_000;
                    long sleepNs = nextNs - System.nanoTime();
                    if (sleepNs > 0) {
                        Thread.sleep(sleepNs / 1_000_000, (int) (sleepNs % 1_000_000));
                    }
                } catch (Exception closed) {
                    return;
                }
            }
        });

        // The preferred encoding 1, once it sends.
        await().atMost(WAIT).until(() -> layerEvents(routerId).contains(layers(1, 2)));
        await().atMost(WAIT).until(() -> received.stream().filter(packet -> packet.encoding() == 1).count() > 20);

        // Down to encoding 0, base temporal layer only.
        ConsumerSetPreferredLayersResponse down = setPreferredLayers(consumerId, layers(0, 0))
                .as(ConsumerSetPreferredLayersResponse.parser());
        assertThat(down.getPreferredLayers()).isEqualTo(layers(0, 0));
        await().atMost(WAIT).until(() -> layerEvents(routerId).contains(layers(0, 0)));
        int beforeBaseOnly = received.size();
        await().atMost(WAIT).until(() -> received.size() > beforeBaseOnly + 20);
        assertThat(received.subList(beforeBaseOnly, received.size())).extracting(ForwardedVp8::temporalLayer)
                .containsOnly(0);
        assertThat(received.subList(beforeBaseOnly, received.size())).extracting(ForwardedVp8::encoding)
                .containsOnly(0);

        // Up to the highest (clamped), timed from the request to the first packet of encoding 2.
        long requestedAtMs = System.nanoTime() / 1_000_000;
        ConsumerSetPreferredLayersResponse up = setPreferredLayers(consumerId,
                ConsumerLayers.newBuilder().setSpatialLayer(5).build()).as(ConsumerSetPreferredLayersResponse.parser());
        assertThat(up.getPreferredLayers()).isEqualTo(layers(2, 2));
        await().atMost(WAIT).until(() -> received.stream().anyMatch(packet -> packet.encoding() == 2));
        for (int i = 0; i < received.size(); i++) {
            if (received.get(i).encoding() == 2) {
                System.out.printf("simulcast switch latency (setPreferredLayers to the first packet of the new"
                        + " encoding, key frame on PLI, 20 fps): %d ms%n", receivedAtMs.get(i) - requestedAtMs);
                break;
            }
        }
        await().atMost(WAIT).until(() -> layerEvents(routerId).contains(layers(2, 2)));
        ConsumerDumpResponse dump = client.call(workerId, "consumer.dump",
                ConsumerDumpRequest.newBuilder().setConsumerId(consumerId).build()).as(ConsumerDumpResponse.parser());
        assertThat(dump.getType()).isEqualTo("simulcast");
        assertThat(dump.getPreferredLayers()).isEqualTo(layers(2, 2));
        assertThat(dump.getTargetLayers()).isEqualTo(layers(2, 2));
        assertThat(dump.getCurrentLayers()).isEqualTo(layers(2, 2));

        // Encoding 2 stops: after a second without it, encoding 1 takes over; then it returns.
        int beforeStop = layerEvents(routerId).size();
        synchronized (source) {
            sendingEncodings[2] = false;
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(eventsSince(routerId, beforeStop))
                .containsExactly(null, layers(1, 2)));
        int beforeReturn = layerEvents(routerId).size();
        synchronized (source) {
            sendingEncodings[2] = true;
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(eventsSince(routerId, beforeReturn))
                .containsExactly(layers(2, 2)));
        ConsumerGetStatsResponse stats = worker.consumerStats(consumerId);
        assertThat(stats.getStats().getCurrentLayers()).isEqualTo(layers(2, 2));
        int beforeEnd = received.size();
        await().atMost(WAIT).until(() -> received.size() > beforeEnd + 10);
        running = false;

        List<ForwardedVp8> stream = List.copyOf(received);
        ForwardedVp8.assertWellFormed(stream);
        ForwardedVp8.assertTimestampsFollowTheCaptureClock(stream);
        assertThat(ForwardedVp8.encodings(stream)).containsExactly(1, 0, 2, 1, 2);
        assertThat(layerEvents(routerId)).containsExactly(layers(1, 2), layers(0, 0), layers(2, 2), null,
                layers(1, 2), layers(2, 2));
    }

    @Test
    void setPreferredLayersIsRefusedForASimpleConsumerAnUnknownOneAndWithoutLayers() throws Exception {
        String routerId = worker.createRouter("simple-room");
        RtpCapabilities capabilities = worker.routerCapabilities(routerId);
        PlainTransportInfo transport = worker.createPlainTransport(routerId, true);
        String producerId = worker.produce(transport.getId(), MediaKind.VIDEO, RtpParameters.newBuilder()
                .addCodecs(RtpCodecParameters.newBuilder().setMimeType("video/VP8")
                        .setPayloadType(PAYLOAD_TYPE).setClockRate(90000))
                .addEncodings(RtpEncodingParameters.newBuilder().setSsrc(0x5555))
                .setRtcp(RtcpParameters.newBuilder().setCname("simple"))
                .build());
        TransportConsumeResponse simple = client.call(workerId, "transport.consume", TransportConsumeRequest.newBuilder()
                        .setTransportId(worker.createPlainTransport(routerId, true).getId()).setProducerId(producerId)
                        .setRtpCapabilities(capabilities).setPreferredLayers(spatial(1)).build())
                .as(TransportConsumeResponse.parser());
        assertThat(simple.getType()).isEqualTo("simple");
        assertThat(simple.hasPreferredLayers()).isFalse();

        ControlClient.Reply refused = setPreferredLayers(simple.getConsumerId(), spatial(0));
        assertThat(refused.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
        assertThat(refused.error().getField()).isEqualTo("consumer_id");
        assertThat(setPreferredLayers("no-such-consumer", spatial(0)).code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(setPreferredLayers(simple.getConsumerId(), null).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    }
}
