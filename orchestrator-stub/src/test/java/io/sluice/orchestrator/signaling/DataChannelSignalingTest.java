package io.sluice.orchestrator.signaling;

import static io.sluice.orchestrator.signaling.SignalingTestClient.data;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DataChannels through the signaling WebSocket against a real worker (docs/signaling.md,
 * "DataChannels"): transports made with mediasoup-client's sctpCapabilities answer the
 * sctpParameters it takes, a peer's data producer is announced to and consumed by the room's other
 * peers, and its close reaches their data consumers.
 */
class DataChannelSignalingTest {


    private static SignalingStack stack;
    private final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        stack = SignalingStack.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @AfterEach
    void closeClients() throws Exception {
        for (AutoCloseable closeable : opened) {
            closeable.close();
        }
    }

    private SignalingTestClient joined(String user, String room, String... permissions) throws Exception {
        SignalingTestClient client = new SignalingTestClient(stack.port());
        opened.add(client);
        client.ok("join", data("roomId", room, "token", SignalingStack.token(user, room, permissions)));
        return client;
    }

    private static String transport(SignalingTestClient client, String direction) throws Exception {
        return client.ok("createWebRtcTransport", data("direction", direction, "enableSctp", true))
                .path("id").asText();
    }

    private static JsonNode chat(String transportId, int streamId) {
        return data("transportId", transportId, "label", "chat", "protocol", "",
                "sctpStreamParameters", data("streamId", streamId, "ordered", true));
    }

    @Test
    void aTransportAsksForSctpOnlyWhenToldAndAnswersMediasoupClientsSctpParameters() throws Exception {
        SignalingTestClient alice = joined("alice", "data-room-1", "audio");
        JsonNode enabled = alice.ok("createWebRtcTransport", data("direction", "recv", "enableSctp", true))
                .path("sctpParameters");
        assertThat(enabled.path("OS").asInt()).as("mediasoup's default streams").isEqualTo(1024);
        assertThat(enabled.path("maxMessageSize").asInt()).isEqualTo(262144);
        // Older mediasoup-client releases give device.sctpCapabilities, which mediasoup's demo sends.
        JsonNode withSctp = alice.ok("createWebRtcTransport", data("direction", "send",
                "sctpCapabilities", Map.of("numStreams", Map.of("OS", 16, "MIS", 1024))));
        JsonNode sctp = withSctp.path("sctpParameters");
        assertThat(sctp.path("port").asInt()).as("RFC 8841 §5's default port, as mediasoup").isEqualTo(5000);
        assertThat(sctp.path("OS").asInt()).isEqualTo(16);
        assertThat(sctp.path("MIS").asInt()).isPositive();
        assertThat(sctp.path("maxMessageSize").asInt()).isEqualTo(262144);

        JsonNode without = alice.ok("createWebRtcTransport", data("direction", "recv", "enableSctp", false));
        assertThat(without.has("sctpParameters")).isFalse();
        assertThat(errorCode(alice.request("createWebRtcTransport", data("direction", "recv",
                "sctpCapabilities", Map.of("numStreams", Map.of("OS", 0, "MIS", 1024)))))).isEqualTo("INVALID_ARGUMENT");
        assertThat(errorCode(alice.request("createWebRtcTransport", data("direction", "recv", "enableSctp", "yes"))))
                .isEqualTo("INVALID_ARGUMENT");
    }

    @Test
    void aDataProducerIsConsumedByTheOtherPeersAndItsCloseClosesTheirDataConsumers() throws Exception {
        SignalingTestClient alice = joined("alice", "data-room-2", "audio", "video");
        String aliceSend = transport(alice, "send");
        String chat = alice.ok("produceData", chat(aliceSend, 1)).path("id").asText();
        assertThat(chat).isNotEmpty();

        SignalingTestClient bob = new SignalingTestClient(stack.port());
        opened.add(bob);
        JsonNode bobJoined = bob.ok("join", data("roomId", "data-room-2", "token",
                SignalingStack.token("bob", "data-room-2")));
        assertThat(bobJoined.path("dataProducers")).as("a new peer is given the existing data producers").hasSize(1);
        assertThat(bobJoined.path("dataProducers").get(0).path("dataProducerId").asText()).isEqualTo(chat);
        assertThat(bobJoined.path("dataProducers").get(0).path("label").asText()).isEqualTo("chat");
        assertThat(bobJoined.path("dataProducers").get(0).path("userId").asText()).isEqualTo("alice");

        String bobRecv = transport(bob, "recv");
        JsonNode consumed = bob.ok("consumeData", data("transportId", bobRecv, "dataProducerId", chat));
        assertThat(consumed.path("dataProducerId").asText()).isEqualTo(chat);
        assertThat(consumed.path("label").asText()).isEqualTo("chat");
        assertThat(consumed.path("sctpStreamParameters").path("streamId").isInt()).isTrue();
        assertThat(consumed.path("sctpStreamParameters").path("ordered").asBoolean()).isTrue();
        assertThat(consumed.path("sctpStreamParameters").has("maxRetransmits")).isFalse();

        String lossy = alice.ok("produceData", data("transportId", aliceSend, "label", "lossy",
                "sctpStreamParameters", data("streamId", 2, "ordered", false, "maxRetransmits", 0))).path("id").asText();
        JsonNode announced = bob.awaitNotification("newDataProducer");
        assertThat(announced.path("dataProducerId").asText()).isEqualTo(lossy);
        assertThat(announced.path("label").asText()).isEqualTo("lossy");
        JsonNode lossyConsumed = bob.ok("consumeData", data("transportId", bobRecv, "dataProducerId", lossy));
        assertThat(lossyConsumed.path("sctpStreamParameters").path("ordered").asBoolean()).isFalse();
        assertThat(lossyConsumed.path("sctpStreamParameters").path("maxRetransmits").asInt()).isZero();
        assertThat(lossyConsumed.path("sctpStreamParameters").path("streamId").asInt())
                .isNotEqualTo(consumed.path("sctpStreamParameters").path("streamId").asInt());

        assertThat(errorCode(bob.request("closeDataProducer", data("dataProducerId", chat))))
                .as("alice's data producer is not bob's").isEqualTo("NOT_FOUND");
        alice.ok("closeDataProducer", data("dataProducerId", chat));
        assertThat(bob.awaitNotification("dataProducerClosed").path("dataProducerId").asText()).isEqualTo(chat);
        JsonNode closed = bob.awaitNotification("dataConsumerClosed");
        assertThat(closed.path("dataConsumerId").asText()).isEqualTo(consumed.path("id").asText());
        assertThat(closed.path("dataProducerId").asText()).isEqualTo(chat);

        alice.close();
        assertThat(bob.awaitNotification("dataProducerClosed").path("dataProducerId").asText()).isEqualTo(lossy);
        assertThat(bob.awaitNotification("dataConsumerClosed").path("dataConsumerId").asText())
                .isEqualTo(lossyConsumed.path("id").asText());
    }

    @Test
    void badDataRequestsGetTypedErrorsAndDataProducersCountAgainstThePeersLimit() throws Exception {
        SignalingTestClient alice = joined("alice", "data-room-3", "audio");
        String send = transport(alice, "send");
        String recv = transport(alice, "recv");
        assertThat(errorCode(alice.request("produceData", chat(recv, 1)))).isEqualTo("FAILED_PRECONDITION");
        assertThat(errorCode(alice.request("produceData", data("transportId", send,
                "sctpStreamParameters", data("streamId", 65535))))).isEqualTo("INVALID_ARGUMENT");
        assertThat(errorCode(alice.request("produceData", data("transportId", send,
                "sctpStreamParameters", data("streamId", 3, "maxRetransmits", 1, "maxPacketLifeTime", 100)))))
                .isEqualTo("INVALID_ARGUMENT");
        assertThat(errorCode(alice.request("produceData", data("transportId", send)))).isEqualTo("INVALID_ARGUMENT");
        assertThat(errorCode(alice.request("consumeData", data("transportId", recv, "dataProducerId", "nothing"))))
                .isEqualTo("NOT_FOUND");
        String own = alice.ok("produceData", chat(send, 0)).path("id").asText();
        assertThat(errorCode(alice.request("consumeData", data("transportId", send, "dataProducerId", own))))
                .isEqualTo("FAILED_PRECONDITION");

        int limit = SignalingLimits.DEFAULTS.producersPerPeer();
        for (int stream = 1; stream < limit; stream++) {
            alice.ok("produceData", chat(send, stream));
        }
        JsonNode over = alice.request("produceData", chat(send, limit));
        assertThat(errorCode(over)).isEqualTo("RESOURCE_EXHAUSTED");
        assertThat(over.path("error").path("message").asText()).contains("data producers");
    }

    private static String errorCode(JsonNode response) {
        assertThat(response.path("ok").asBoolean()).as("expected an error: %s", response).isFalse();
        return response.path("error").path("code").asText();
    }
}
