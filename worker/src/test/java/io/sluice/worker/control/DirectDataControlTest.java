package io.sluice.worker.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.nats.client.Dispatcher;
import io.sluice.api.v1.DataConsumerGetStatsRequest;
import io.sluice.api.v1.DataConsumerGetStatsResponse;
import io.sluice.api.v1.DataConsumerInfo;
import io.sluice.api.v1.DataConsumerMessage;
import io.sluice.api.v1.DataProducerInfo;
import io.sluice.api.v1.DataProducerSendRequest;
import io.sluice.api.v1.DirectTransportInfo;
import io.sluice.api.v1.ErrorCode;
import io.sluice.api.v1.Event;
import io.sluice.api.v1.NumSctpStreams;
import io.sluice.api.v1.RouterCreateDirectTransportRequest;
import io.sluice.api.v1.RouterCreateDirectTransportResponse;
import io.sluice.api.v1.RouterCreateWebRtcTransportRequest;
import io.sluice.api.v1.RouterCreateWebRtcTransportResponse;
import io.sluice.api.v1.SctpStreamParameters;
import io.sluice.api.v1.TransportCloseRequest;
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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Data from and to the backend through a direct transport (mediasoup's DirectTransport), over a
 * real nats-server and a real worker: an SCTP peer (this project's SCTP over DTLS over loopback
 * UDP, as a browser runs it) sends on its data producer and the backend gets every message as a
 * {@code message} event of its direct data consumer, in order, with its PPID; the backend sends
 * with {@code dataProducer.send}, pipelined, and the peer gets every message in order on the stream
 * its data consumer was given. The direct transport's max message size bounds both ways: a larger
 * send is {@code INVALID_ARGUMENT}, a larger message from the peer is dropped and counted.
 */
@ExtendWith(SharedWorker.class)
class DirectDataControlTest {

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

    /** The events of this test's routers, with their subjects. */
    private final List<Map.Entry<String, Event>> published = new CopyOnWriteArrayList<>();

    private String createRouterWatched(String roomId) throws Exception {
        String routerId = client.call(workerId, "worker.createRouter", WorkerControlTest.opusAndVp8(roomId))
                .as(WorkerCreateRouterResponse.parser()).getRouterId();
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

    private List<DataConsumerMessage> messagesOf(String routerId, String dataConsumerId) {
        String subject = "sluice.event." + routerId + ".dataConsumer." + dataConsumerId + ".message";
        return published.stream().filter(e -> e.getKey().equals(subject))
                .map(e -> e.getValue().getDataConsumerMessage()).toList();
    }

    private List<Event> eventsOf(String entityId) {
        return published.stream().filter(e -> e.getKey().contains("." + entityId + ".")).map(Map.Entry::getValue)
                .toList();
    }

    private static DirectTransportInfo createDirectTransport(String routerId, int maxMessageSize) throws Exception {
        return client.call(workerId, "router.createDirectTransport", RouterCreateDirectTransportRequest.newBuilder()
                .setRouterId(routerId).setMaxMessageSize(maxMessageSize).build())
                .as(RouterCreateDirectTransportResponse.parser()).getTransport();
    }

    private static WebRtcTransportInfo createSctpTransport(String routerId) throws Exception {
        return client.call(workerId, "router.createWebRtcTransport", RouterCreateWebRtcTransportRequest.newBuilder()
                .setRouterId(routerId).setEnableTcp(false).setEnableSctp(true)
                .setNumSctpStreams(NumSctpStreams.newBuilder().setOs(16).setMis(16))
                .setMaxSctpMessageSize(MAX_MESSAGE_SIZE).build())
                .as(RouterCreateWebRtcTransportResponse.parser()).getTransport();
    }

    private static SctpOverDtlsPeer connect(WebRtcTestPeer peer, WebRtcTransportInfo transport) throws Exception {
        return DataChannelControlTest.connect(client, workerId, peer, transport, MAX_MESSAGE_SIZE);
    }

    private static InetSocketAddress udp(WebRtcTransportInfo transport) {
        return new InetSocketAddress(transport.getIceCandidates(0).getAddress(),
                transport.getIceCandidates(0).getPort());
    }

    /** Message i: empty to the max message size; even ones text (UTF-8, two-byte characters included). */
    private static byte[] message(int i) {
        int[] sizes = {0, 1, 17, 1000, 1200, 5000, 16_384, MAX_MESSAGE_SIZE, 300, 2};
        byte[] payload = new byte[sizes[i % sizes.length]];
        if (i % 2 == 0) {
            byte[] text = ("é" + i + " ").repeat(payload.length).getBytes(StandardCharsets.UTF_8);
            System.arraycopy(text, 0, payload, 0, payload.length);
            // cut at a character boundary: 'é' is two bytes, so end on an ASCII one
            for (int j = payload.length - 1; j >= 0 && (payload[j] & 0xc0) == 0x80 | (payload[j] & 0xe0) == 0xc0; j--) {
                payload[j] = 'x';
            }
        } else {
            for (int j = 0; j < payload.length; j++) {
                payload[j] = (byte) (i * 31 + j);
            }
        }
        return payload;
    }

    private static long ppid(int i) {
        return i % 2 == 0 ? DataChannelPpid.STRING : DataChannelPpid.BINARY;
    }

    @Test
    void aPeersMessagesReachTheBackendAndTheBackendsReachThePeerInOrderWithinTheMaxMessageSize() throws Exception {
        String routerId = createRouterWatched("room-direct");
        WebRtcTransportInfo webRtc = createSctpTransport(routerId);
        DirectTransportInfo direct = createDirectTransport(routerId, MAX_MESSAGE_SIZE);
        assertThat(direct.getMaxMessageSize()).isEqualTo(MAX_MESSAGE_SIZE);
        assertThat(direct.getRouterId()).isEqualTo(routerId);

        try (WebRtcTestPeer peer = WebRtcTestPeer.udp(udp(webRtc))) {
            SctpOverDtlsPeer a = connect(peer, webRtc);

            // peer -> backend
            DataProducerInfo fromPeer = client.call(workerId, "transport.produceData",
                    TransportProduceDataRequest.newBuilder().setTransportId(webRtc.getId())
                            .setSctpStreamParameters(SctpStreamParameters.newBuilder().setStreamId(1))
                            .setLabel("chat").build())
                    .as(TransportProduceDataResponse.parser()).getDataProducer();
            DataConsumerInfo toBackend = client.call(workerId, "transport.consumeData",
                    TransportConsumeDataRequest.newBuilder().setTransportId(direct.getId())
                            .setDataProducerId(fromPeer.getId()).build())
                    .as(TransportConsumeDataResponse.parser()).getDataConsumer();
            assertThat(toBackend.getType()).isEqualTo("direct");
            assertThat(toBackend.hasSctpStreamParameters()).isFalse();
            assertThat(toBackend.getLabel()).isEqualTo("chat");

            int count = 300;
            for (int i = 0; i < count; i++) {
                byte[] payload = message(i);
                long wirePpid = payload.length == 0 ? DataChannelPpid.of(i % 2 == 0, true) : ppid(i);
                assertThat(a.send(1, wirePpid, true, Reliability.RELIABLE,
                        payload.length == 0 ? new byte[] {0} : payload)).isEqualTo(SendResult.QUEUED);
            }
            await("every message at the backend").atMost(WAIT.multipliedBy(2))
                    .until(() -> messagesOf(routerId, toBackend.getId()).size() == count);
            List<DataConsumerMessage> atBackend = messagesOf(routerId, toBackend.getId());
            for (int i = 0; i < count; i++) {
                assertThat(atBackend.get(i).getPpid()).as("message %d's PPID", i).isEqualTo(ppid(i));
                assertThat(atBackend.get(i).getPayload().toByteArray()).as("message %d, in order", i)
                        .isEqualTo(message(i));
            }

            // backend -> peer, requests pipelined on one connection
            DataProducerInfo fromBackend = client.call(workerId, "transport.produceData",
                    TransportProduceDataRequest.newBuilder().setTransportId(direct.getId()).setLabel("bot").build())
                    .as(TransportProduceDataResponse.parser()).getDataProducer();
            assertThat(fromBackend.getType()).isEqualTo("direct");
            DataConsumerInfo toPeer = client.call(workerId, "transport.consumeData",
                    TransportConsumeDataRequest.newBuilder().setTransportId(webRtc.getId())
                            .setDataProducerId(fromBackend.getId()).build())
                    .as(TransportConsumeDataResponse.parser()).getDataConsumer();
            int stream = toPeer.getSctpStreamParameters().getStreamId();
            // in batches of 30 (about 270 KB, within the association's 1 MiB send buffer; beyond it a
            // consumer drops, as a browser's send() fails: a backend paces on bufferedamountlow)
            int batch = 30;
            for (int first = 0; first < count; first += batch) {
                List<CompletableFuture<io.nats.client.Message>> replies = new ArrayList<>();
                for (int i = first; i < first + batch; i++) {
                    replies.add(worker.connection.request("sluice." + workerId + ".dataProducer.send",
                            DataProducerSendRequest.newBuilder().setDataProducerId(fromBackend.getId())
                                    .setPpid((int) ppid(i)).setPayload(ByteString.copyFrom(message(i))).build()
                                    .toByteArray()));
                }
                for (CompletableFuture<io.nats.client.Message> reply : replies) {
                    assertThat(new ControlClient.Reply(reply.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)
                            .getHeaders(), null).isError()).isFalse();
                }
                int sent = first + batch;
                await("the batch at the peer").atMost(WAIT).until(() -> a.messagesOn(stream).size() >= sent);
            }
            List<SctpOverDtlsPeer.Message> atPeer = a.messagesOn(stream);
            for (int i = 0; i < count; i++) {
                byte[] payload = message(i);
                assertThat(atPeer.get(i).payloadProtocolId()).as("message %d's PPID", i)
                        .isEqualTo(payload.length == 0 ? DataChannelPpid.of(i % 2 == 0, true) : ppid(i));
                assertThat(atPeer.get(i).payload()).as("message %d, in order", i)
                        .isEqualTo(payload.length == 0 ? new byte[] {0} : payload);
            }

            // one byte over the max message size, bad PPIDs, bad text: typed errors, nothing sent
            ControlClient.Reply tooBig = client.call(workerId, "dataProducer.send", DataProducerSendRequest
                    .newBuilder().setDataProducerId(fromBackend.getId())
                    .setPayload(ByteString.copyFrom(new byte[MAX_MESSAGE_SIZE + 1])).build());
            assertThat(tooBig.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
            assertThat(tooBig.error().getField()).isEqualTo("payload");
            assertThat(tooBig.error().getMessage()).contains("max_message_size of " + MAX_MESSAGE_SIZE);
            assertThat(client.call(workerId, "dataProducer.send", DataProducerSendRequest.newBuilder()
                    .setDataProducerId(fromBackend.getId()).setPpid(50).build()).error().getField()).isEqualTo("ppid");
            assertThat(client.call(workerId, "dataProducer.send", DataProducerSendRequest.newBuilder()
                    .setDataProducerId(fromBackend.getId()).setPpid(51)
                    .setPayload(ByteString.copyFrom(new byte[] {(byte) 0xc3})).build()).code())
                    .isEqualTo(ErrorCode.INVALID_ARGUMENT);
            assertThat(client.call(workerId, "dataProducer.send", DataProducerSendRequest.newBuilder()
                    .setDataProducerId(fromPeer.getId()).setPpid(51).build()).code())
                    .as("an SCTP data producer takes no messages from the backend")
                    .isEqualTo(ErrorCode.FAILED_PRECONDITION);
            assertThat(a.messagesOn(stream)).hasSize(count);

            // closing the direct transport closes its data producer, and so the peer's data consumer
            client.call(workerId, "transport.close",
                    TransportCloseRequest.newBuilder().setTransportId(direct.getId()).build());
            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(eventsOf(direct.getId())).anyMatch(Event::hasTransportClosed);
                assertThat(eventsOf(toPeer.getId())).anyMatch(Event::hasDataConsumerDataProducerClosed);
                assertThat(eventsOf(toBackend.getId())).anyMatch(Event::hasDataConsumerClosed);
                assertThat(a.incomingResets).as("the peer's channel closed by a stream reset").contains(stream);
            });
            assertThat(client.call(workerId, "transport.close",
                    TransportCloseRequest.newBuilder().setTransportId(direct.getId()).build()).code())
                    .isEqualTo(ErrorCode.NOT_FOUND);
            client.call(workerId, "transport.close",
                    TransportCloseRequest.newBuilder().setTransportId(webRtc.getId()).build());
        }
    }

    @Test
    void aMessageOverTheDirectTransportsMaxIsDroppedAndBadRequestsGetTypedErrors() throws Exception {
        String routerId = createRouterWatched("room-direct-limits");
        WebRtcTransportInfo webRtc = createSctpTransport(routerId);
        DirectTransportInfo direct = createDirectTransport(routerId, 1000);
        assertThat(client.call(workerId, "router.createDirectTransport", RouterCreateDirectTransportRequest
                .newBuilder().setRouterId(routerId).setMaxMessageSize(0).build()).code())
                .isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(client.call(workerId, "router.createDirectTransport", RouterCreateDirectTransportRequest
                .newBuilder().setRouterId(routerId).setMaxMessageSize(262_145).build()).code())
                .isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(client.call(workerId, "router.createDirectTransport", RouterCreateDirectTransportRequest
                .newBuilder().setRouterId("no-such-router").build()).code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(client.call(workerId, "router.createDirectTransport", RouterCreateDirectTransportRequest
                .newBuilder().setRouterId(routerId).build()).as(RouterCreateDirectTransportResponse.parser())
                .getTransport().getMaxMessageSize()).as("mediasoup's default").isEqualTo(262_144);
        assertThat(client.call(workerId, "transport.produceData", TransportProduceDataRequest.newBuilder()
                .setTransportId(direct.getId()).setSctpStreamParameters(SctpStreamParameters.newBuilder()
                        .setStreamId(1)).build()).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(client.call(workerId, "transport.produceData", TransportProduceDataRequest.newBuilder()
                .setTransportId(webRtc.getId()).build()).error().getField()).isEqualTo("sctp_stream_parameters");

        try (WebRtcTestPeer peer = WebRtcTestPeer.udp(udp(webRtc))) {
            SctpOverDtlsPeer a = connect(peer, webRtc);
            DataProducerInfo fromPeer = client.call(workerId, "transport.produceData",
                    TransportProduceDataRequest.newBuilder().setTransportId(webRtc.getId())
                            .setSctpStreamParameters(SctpStreamParameters.newBuilder().setStreamId(2)).build())
                    .as(TransportProduceDataResponse.parser()).getDataProducer();
            assertThat(client.call(workerId, "transport.consumeData", TransportConsumeDataRequest.newBuilder()
                    .setTransportId(direct.getId()).setDataProducerId(fromPeer.getId()).setMaxRetransmits(0)
                    .build()).code()).as("a direct transport has no SCTP streams").isEqualTo(ErrorCode.INVALID_ARGUMENT);
            DataConsumerInfo toBackend = client.call(workerId, "transport.consumeData",
                    TransportConsumeDataRequest.newBuilder().setTransportId(direct.getId())
                            .setDataProducerId(fromPeer.getId()).build())
                    .as(TransportConsumeDataResponse.parser()).getDataConsumer();
            a.send(2, DataChannelPpid.BINARY, true, Reliability.RELIABLE, new byte[1000]);
            a.send(2, DataChannelPpid.BINARY, true, Reliability.RELIABLE, new byte[1001]);
            a.send(2, DataChannelPpid.BINARY, true, Reliability.RELIABLE, new byte[3]);
            await().atMost(WAIT).until(() -> messagesOf(routerId, toBackend.getId()).size() == 2);
            assertThat(messagesOf(routerId, toBackend.getId())).extracting(m -> m.getPayload().size())
                    .containsExactly(1000, 3);
            assertThat(client.call(workerId, "dataConsumer.getStats", DataConsumerGetStatsRequest.newBuilder()
                    .setDataConsumerId(toBackend.getId()).build()).as(DataConsumerGetStatsResponse.parser())
                    .getStats().getMessagesDropped()).isEqualTo(1);
        }
        client.call(workerId, "transport.close", TransportCloseRequest.newBuilder().setTransportId(webRtc.getId())
                .build());
        await().atMost(WAIT).untilAsserted(() -> assertThat(published).anyMatch(e -> e.getValue()
                .hasDataConsumerClosed() && e.getKey().contains(".dataConsumer.")));
    }
}
