package io.sluice.worker.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.api.v1.DataConsumerGetStatsRequest;
import io.sluice.api.v1.DataConsumerGetStatsResponse;
import io.sluice.api.v1.DataConsumerInfo;
import io.sluice.api.v1.DataConsumerSetBufferedAmountLowThresholdRequest;
import io.sluice.api.v1.DataProducerCloseRequest;
import io.sluice.api.v1.DataProducerGetStatsRequest;
import io.sluice.api.v1.DataProducerGetStatsResponse;
import io.sluice.api.v1.DataProducerInfo;
import io.sluice.api.v1.DtlsFingerprint;
import io.sluice.api.v1.DtlsParameters;
import io.sluice.api.v1.DtlsRole;
import io.sluice.api.v1.ErrorCode;
import io.sluice.api.v1.Event;
import io.sluice.api.v1.NumSctpStreams;
import io.sluice.api.v1.RouterCreateWebRtcTransportRequest;
import io.sluice.api.v1.RouterCreateWebRtcTransportResponse;
import io.sluice.api.v1.SctpState;
import io.sluice.api.v1.SctpStreamParameters;
import io.sluice.api.v1.TransportCloseRequest;
import io.sluice.api.v1.TransportConnectRequest;
import io.sluice.api.v1.TransportConsumeDataRequest;
import io.sluice.api.v1.TransportConsumeDataResponse;
import io.sluice.api.v1.TransportProduceDataRequest;
import io.sluice.api.v1.TransportProduceDataResponse;
import io.sluice.api.v1.WebRtcTransportInfo;
import io.sluice.api.v1.WorkerCreateRouterResponse;
import io.sluice.worker.sctp.DataChannelPpid;
import io.sluice.worker.sctp.Reliability;
import io.sluice.worker.sctp.SendResult;
import io.sluice.worker.testsupport.Patience;
import io.sluice.worker.testsupport.SctpOverDtlsPeer;
import io.sluice.worker.testsupport.WebRtcTestPeer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import io.nats.client.Dispatcher;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Data channels through a real worker over NATS: two peers reach their WebRTC transports over
 * loopback UDP (ICE, a DTLS handshake), each runs an SCTP association over its DTLS (RFC 8261) as
 * a browser does, and the messages peer A sends on its data producer's stream arrive at peer B on
 * the stream its data consumer was given: in order, every size up to the max message size, text
 * and binary and empty PPIDs as sent. Closing the data producer closes the data consumer
 * (dataproducerclose, then closed) and resets B's stream (RFC 8831 §6.7). The SCTP of the peers is this project's own (SctpPionInteropTest holds
 * it against pion's); the browser test runs Chromium's.
 */
@ExtendWith(SharedWorker.class)
class DataChannelControlTest {

    private static final Duration WAIT = Patience.WAIT;
    private static final int MAX_MESSAGE_SIZE = 65_536;

    private static RunningWorker worker;
    private static ControlClient client;
    private static String workerId;

    @BeforeAll
    static void start(RunningWorker shared) {
        worker = shared;
        workerId = worker.workerId;
        client = worker.client;
    }

    private static String createRouter(String roomId) throws Exception {
        return client.call(workerId, "worker.createRouter", WorkerControlTest.opusAndVp8(roomId))
                .as(WorkerCreateRouterResponse.parser()).getRouterId();
    }

    private static WebRtcTransportInfo createSctpTransport(String routerId) throws Exception {
        return client.call(workerId, "router.createWebRtcTransport", RouterCreateWebRtcTransportRequest.newBuilder()
                .setRouterId(routerId).setEnableTcp(false).setEnableSctp(true)
                .setNumSctpStreams(NumSctpStreams.newBuilder().setOs(512).setMis(1024))
                .setMaxSctpMessageSize(MAX_MESSAGE_SIZE).build())
                .as(RouterCreateWebRtcTransportResponse.parser()).getTransport();
    }

    private static SctpOverDtlsPeer connect(WebRtcTestPeer peer, WebRtcTransportInfo transport) throws Exception {
        return connect(client, workerId, peer, transport, MAX_MESSAGE_SIZE);
    }

    /**
     * ICE, then DTLS with the peer as client (a browser's "active"), then the peer's INIT: an
     * established association to the WebRTC transport, as a browser makes it (DirectDataControlTest too).
     */
    static SctpOverDtlsPeer connect(ControlClient client, String workerId, WebRtcTestPeer peer,
            WebRtcTransportInfo transport, int maxMessageSize) throws Exception {
        peer.sendBindingRequest(transport.getIceParameters().getUsernameFragment(),
                transport.getIceParameters().getPassword(), true);
        assertThat(peer.awaitStunResponse(WAIT).isSuccess()).isTrue();
        client.call(workerId, "transport.connect", TransportConnectRequest.newBuilder()
                .setTransportId(transport.getId())
                .setDtlsParameters(DtlsParameters.newBuilder().setRole(DtlsRole.CLIENT)
                        .addFingerprints(DtlsFingerprint.newBuilder().setAlgorithm("sha-256")
                                .setValue(peer.fingerprint().value())))
                .build());
        SctpOverDtlsPeer sctp = new SctpOverDtlsPeer(peer, 1100, maxMessageSize);
        DtlsFingerprint fingerprint = transport.getDtlsParameters().getFingerprintsList().stream()
                .filter(f -> f.getAlgorithm().equals("sha-256")).findFirst().orElseThrow();
        peer.startDtls(io.sluice.worker.dtls.DtlsRole.CLIENT,
                io.sluice.worker.dtls.DtlsFingerprint.parse(fingerprint.getAlgorithm(), fingerprint.getValue()));
        peer.awaitDtlsConnected(WAIT);
        sctp.connect();
        await("association established").atMost(WAIT)
                .until(() -> sctp.state() == io.sluice.worker.sctp.SctpState.ESTABLISHED);
        return sctp;
    }

    private static InetSocketAddress udp(WebRtcTransportInfo transport) {
        return new InetSocketAddress(transport.getIceCandidates(0).getAddress(),
                transport.getIceCandidates(0).getPort());
    }

    /** The events of this test's routers, with their subjects (sluice.event.<routerId>.<entity>.<id>.<event>). */
    private final List<Map.Entry<String, Event>> published = new CopyOnWriteArrayList<>();

    private String createRouterWatched(String roomId) throws Exception {
        String routerId = createRouter(roomId);
        Dispatcher dispatcher = worker.connection.createDispatcher(message -> {
            try {
                published.add(Map.entry(message.getSubject(), Event.parseFrom(message.getData())));
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw new AssertionError(e);
            }
        });
        dispatcher.subscribe("sluice.event." + routerId + ".>");
        worker.connection.flush(WAIT);
        return routerId;
    }

    private List<Event> eventsOf(String entityId) {
        return published.stream().filter(e -> e.getKey().contains("." + entityId + ".")).map(Map.Entry::getValue)
                .toList();
    }

    /** Message i: sizes from empty to the max message size, even ones text; empty ones as RFC 8831 §6.6 sends them. */
    private static long ppid(int i, byte[] payload) {
        if (payload.length == 0) {
            return i % 2 == 0 ? DataChannelPpid.STRING_EMPTY : DataChannelPpid.BINARY_EMPTY;
        }
        return i % 2 == 0 ? DataChannelPpid.STRING : DataChannelPpid.BINARY;
    }

    private static byte[] message(int i) {
        int[] sizes = {0, 1, 17, 1000, 1100, 1500, 5000, 16384, MAX_MESSAGE_SIZE, 300};
        byte[] payload = new byte[sizes[i % sizes.length]];
        for (int j = 0; j < payload.length; j++) {
            payload[j] = (byte) ('a' + (i + j) % 26);
        }
        return payload;
    }

    @Test
    void rfc8261_section3_messagesOfADataProducerReachItsDataConsumerInOrderAndCloseWithIt() throws Exception {
        String routerId = createRouterWatched("room-data");
        WebRtcTransportInfo sending = createSctpTransport(routerId);
        WebRtcTransportInfo receiving = createSctpTransport(routerId);
        assertThat(sending.getSctpParameters().getPort()).isEqualTo(5000);
        assertThat(sending.getSctpParameters().getOs()).isEqualTo(512);
        assertThat(sending.getSctpParameters().getMis()).isEqualTo(1024);
        assertThat(sending.getSctpParameters().getMaxMessageSize()).isEqualTo(MAX_MESSAGE_SIZE);
        assertThat(sending.getSctpState()).isEqualTo(SctpState.SCTP_NEW);

        try (WebRtcTestPeer peerA = WebRtcTestPeer.udp(udp(sending));
                WebRtcTestPeer peerB = WebRtcTestPeer.udp(udp(receiving))) {
            SctpOverDtlsPeer a = connect(peerA, sending);
            SctpOverDtlsPeer b = connect(peerB, receiving);
            await().atMost(WAIT).untilAsserted(() -> assertThat(eventsOf(sending.getId()))
                    .anyMatch(e -> e.getTransportSctpStateChanged().getSctpState() == SctpState.SCTP_CONNECTED));

            DataProducerInfo producer = client.call(workerId, "transport.produceData",
                    TransportProduceDataRequest.newBuilder().setTransportId(sending.getId())
                            .setSctpStreamParameters(SctpStreamParameters.newBuilder().setStreamId(3))
                            .setLabel("chat").setProtocol("sluice").build())
                    .as(TransportProduceDataResponse.parser()).getDataProducer();
            assertThat(producer.getSctpStreamParameters().getOrdered()).as("ordered by default").isTrue();
            DataConsumerInfo consumer = client.call(workerId, "transport.consumeData",
                    TransportConsumeDataRequest.newBuilder().setTransportId(receiving.getId())
                            .setDataProducerId(producer.getId()).build())
                    .as(TransportConsumeDataResponse.parser()).getDataConsumer();
            int streamB = consumer.getSctpStreamParameters().getStreamId();
            assertThat(streamB).as("the lowest free stream").isZero();
            assertThat(consumer.getLabel()).isEqualTo("chat");
            assertThat(consumer.getProtocol()).isEqualTo("sluice");

            int count = 200;
            for (int i = 0; i < count; i++) {
                byte[] payload = message(i);
                byte[] wire = payload.length == 0 ? new byte[] {0} : payload;
                assertThat(a.send(3, ppid(i, payload), true, Reliability.RELIABLE, wire))
                        .isEqualTo(SendResult.QUEUED);
            }
            try {
                await("every message at B").atMost(WAIT.multipliedBy(2))
                        .until(() -> b.messagesOn(streamB).size() == count);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("B has " + b.messagesOn(streamB).size() + " messages, " + b.messages.size()
                        + " on any stream; A " + a.state() + ", B " + b.state() + "; data producer "
                        + client.call(workerId, "dataProducer.getStats", DataProducerGetStatsRequest.newBuilder()
                                .setDataProducerId(producer.getId()).build())
                                .as(DataProducerGetStatsResponse.parser()).getStats()
                        + "data consumer " + client.call(workerId, "dataConsumer.getStats",
                                DataConsumerGetStatsRequest.newBuilder().setDataConsumerId(consumer.getId()).build())
                                .as(DataConsumerGetStatsResponse.parser()).getStats(), e);
            }
            List<SctpOverDtlsPeer.Message> received = new ArrayList<>(b.messagesOn(streamB));
            for (int i = 0; i < count; i++) {
                byte[] payload = message(i);
                assertThat(received.get(i).payloadProtocolId()).as("message %d's PPID", i).isEqualTo(ppid(i, payload));
                assertThat(received.get(i).payload()).as("message %d, in order", i)
                        .isEqualTo(payload.length == 0 ? new byte[] {0} : payload);
            }
            DataProducerGetStatsResponse producerStats = client.call(workerId, "dataProducer.getStats",
                    DataProducerGetStatsRequest.newBuilder().setDataProducerId(producer.getId()).build())
                    .as(DataProducerGetStatsResponse.parser());
            assertThat(producerStats.getStats().getMessagesReceived()).isEqualTo(count);
            DataConsumerGetStatsResponse consumerStats = client.call(workerId, "dataConsumer.getStats",
                    DataConsumerGetStatsRequest.newBuilder().setDataConsumerId(consumer.getId()).build())
                    .as(DataConsumerGetStatsResponse.parser());
            assertThat(consumerStats.getStats().getMessagesSent()).isEqualTo(count);
            assertThat(consumerStats.getStats().getBytesSent())
                    .isEqualTo(producerStats.getStats().getBytesReceived());

            client.call(workerId, "dataProducer.close",
                    DataProducerCloseRequest.newBuilder().setDataProducerId(producer.getId()).build());
            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(eventsOf(consumer.getId())).anyMatch(Event::hasDataConsumerDataProducerClosed)
                        .anyMatch(e -> e.hasDataConsumerClosed() && e.getDataConsumerClosed().getReason()
                                == io.sluice.api.v1.DataConsumerClosed.Reason.DATA_PRODUCER_CLOSED);
                assertThat(b.incomingResets).as("B's channel closed by a stream reset").contains(streamB);
            });
            assertThat(client.call(workerId, "dataConsumer.getStats", DataConsumerGetStatsRequest.newBuilder()
                    .setDataConsumerId(consumer.getId()).build()).code()).isEqualTo(ErrorCode.NOT_FOUND);

            client.call(workerId, "transport.close",
                    TransportCloseRequest.newBuilder().setTransportId(receiving.getId()).build());
            client.call(workerId, "transport.close",
                    TransportCloseRequest.newBuilder().setTransportId(sending.getId()).build());
        }
    }

    @Test
    void unorderedPartiallyReliableConsumersAndBufferedAmountLow() throws Exception {
        String routerId = createRouterWatched("room-data-unordered");
        WebRtcTransportInfo sending = createSctpTransport(routerId);
        WebRtcTransportInfo receiving = createSctpTransport(routerId);
        try (WebRtcTestPeer peerA = WebRtcTestPeer.udp(udp(sending));
                WebRtcTestPeer peerB = WebRtcTestPeer.udp(udp(receiving))) {
            SctpOverDtlsPeer a = connect(peerA, sending);
            SctpOverDtlsPeer b = connect(peerB, receiving);
            DataProducerInfo producer = client.call(workerId, "transport.produceData",
                    TransportProduceDataRequest.newBuilder().setTransportId(sending.getId())
                            .setSctpStreamParameters(SctpStreamParameters.newBuilder().setStreamId(0)
                                    .setOrdered(false)).setLabel("game").build())
                    .as(TransportProduceDataResponse.parser()).getDataProducer();
            assertThat(producer.getSctpStreamParameters().getOrdered()).isFalse();
            // the consumer's own reliability: unordered by default once a limit is given
            DataConsumerInfo consumer = client.call(workerId, "transport.consumeData",
                    TransportConsumeDataRequest.newBuilder().setTransportId(receiving.getId())
                            .setDataProducerId(producer.getId()).setMaxRetransmits(0).build())
                    .as(TransportConsumeDataResponse.parser()).getDataConsumer();
            assertThat(consumer.getSctpStreamParameters().getOrdered()).isFalse();
            assertThat(consumer.getSctpStreamParameters().getMaxRetransmits()).isZero();
            client.call(workerId, "dataConsumer.setBufferedAmountLowThreshold",
                    DataConsumerSetBufferedAmountLowThresholdRequest.newBuilder()
                            .setDataConsumerId(consumer.getId()).setThreshold(1000).build());

            for (int i = 0; i < 50; i++) {
                a.send(0, DataChannelPpid.BINARY, false, Reliability.RELIABLE, new byte[20_000]);
            }
            // maxRetransmits 0: a message a busy machine drops on the way (a full DTLS queue) is
            // abandoned, not retransmitted; what arrives arrives whole, and the buffer drains
            await().atMost(WAIT).until(() -> client.call(workerId, "dataConsumer.getStats",
                    DataConsumerGetStatsRequest.newBuilder().setDataConsumerId(consumer.getId()).build())
                    .as(DataConsumerGetStatsResponse.parser()).getStats().getMessagesSent() == 50);
            await().atMost(WAIT).until(() -> !b.messagesOn(0).isEmpty());
            assertThat(b.messagesOn(0)).allSatisfy(m -> assertThat(m.payload()).hasSize(20_000));
            await().atMost(WAIT).untilAsserted(() -> assertThat(eventsOf(consumer.getId()))
                    .anyMatch(Event::hasDataConsumerBufferedAmountLow));
            client.call(workerId, "transport.close",
                    TransportCloseRequest.newBuilder().setTransportId(sending.getId()).build());
            await().atMost(WAIT).untilAsserted(() -> assertThat(eventsOf(producer.getId()))
                    .anyMatch(e -> e.hasDataProducerClosed() && e.getDataProducerClosed().getReason()
                            == io.sluice.api.v1.DataProducerClosed.Reason.TRANSPORT_CLOSED));
            await().atMost(WAIT).untilAsserted(() -> assertThat(eventsOf(consumer.getId()))
                    .anyMatch(Event::hasDataConsumerDataProducerClosed));
            client.call(workerId, "transport.close",
                    TransportCloseRequest.newBuilder().setTransportId(receiving.getId()).build());
        }
    }

    @Test
    void badDataRequestsGetTypedErrorsAndLeaveNothingBehind() throws Exception {
        String routerId = createRouter("room-data-errors");
        WebRtcTransportInfo plain = client.call(workerId, "router.createWebRtcTransport",
                RouterCreateWebRtcTransportRequest.newBuilder().setRouterId(routerId).setEnableTcp(false).build())
                .as(RouterCreateWebRtcTransportResponse.parser()).getTransport();
        assertThat(plain.hasSctpParameters()).isFalse();
        WebRtcTransportInfo sctp = createSctpTransport(routerId);

        ControlClient.Reply noSctp = client.call(workerId, "transport.produceData", TransportProduceDataRequest
                .newBuilder().setTransportId(plain.getId())
                .setSctpStreamParameters(SctpStreamParameters.newBuilder().setStreamId(1)).build());
        assertThat(noSctp.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
        ControlClient.Reply bothLimits = client.call(workerId, "transport.produceData", TransportProduceDataRequest
                .newBuilder().setTransportId(sctp.getId()).setSctpStreamParameters(SctpStreamParameters.newBuilder()
                        .setStreamId(1).setMaxRetransmits(1).setMaxPacketLifeTime(100)).build());
        assertThat(bothLimits.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        ControlClient.Reply beyondMis = client.call(workerId, "transport.produceData", TransportProduceDataRequest
                .newBuilder().setTransportId(sctp.getId())
                .setSctpStreamParameters(SctpStreamParameters.newBuilder().setStreamId(1024)).build());
        assertThat(beyondMis.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(beyondMis.error().getField()).isEqualTo("sctp_stream_parameters.stream_id");
        client.call(workerId, "transport.produceData", TransportProduceDataRequest.newBuilder()
                .setTransportId(sctp.getId()).setSctpStreamParameters(SctpStreamParameters.newBuilder().setStreamId(1))
                .build()).as(TransportProduceDataResponse.parser());
        assertThat(client.call(workerId, "transport.produceData", TransportProduceDataRequest.newBuilder()
                .setTransportId(sctp.getId()).setSctpStreamParameters(SctpStreamParameters.newBuilder().setStreamId(1))
                .build()).code()).isEqualTo(ErrorCode.ALREADY_EXISTS);
        assertThat(client.call(workerId, "transport.consumeData", TransportConsumeDataRequest.newBuilder()
                .setTransportId(sctp.getId()).setDataProducerId("no-such-data-producer").build()).code())
                .isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(client.call(workerId, "router.createWebRtcTransport", RouterCreateWebRtcTransportRequest
                .newBuilder().setRouterId(routerId).setEnableSctp(true)
                .setNumSctpStreams(NumSctpStreams.newBuilder().setOs(0).setMis(10)).build()).code())
                .isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(client.call(workerId, "router.createWebRtcTransport", RouterCreateWebRtcTransportRequest
                .newBuilder().setRouterId(routerId).setEnableSctp(true).setMaxSctpMessageSize(0).build()).code())
                .isEqualTo(ErrorCode.INVALID_ARGUMENT);
        client.call(workerId, "transport.close", TransportCloseRequest.newBuilder().setTransportId(plain.getId()).build());
        client.call(workerId, "transport.close", TransportCloseRequest.newBuilder().setTransportId(sctp.getId()).build());
    }
}
