package io.sluice.orchestrator.signaling;

import static io.sluice.orchestrator.signaling.SignalingTestClient.data;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two signaling servers behind one room (docs/signaling.md, "Several signaling servers"), sharing
 * only NATS, Redis and the worker, as two stubs during a rolling restart: a peer on each sees the
 * other's producers, consumes them and hears of their closing and of the other peer leaving; when
 * one server stops, its peer resumes on the other with its transport.
 */
class TwoSignalingServersTest {

    private static SignalingStack stack;
    private static int secondPort;
    private final List<SignalingTestClient> opened = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        stack = SignalingStack.startWithSessions(Duration.ofSeconds(20));
        secondPort = stack.startSecondSignaling();
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @AfterEach
    void closeClients() {
        opened.forEach(SignalingTestClient::close);
    }

    private SignalingTestClient client(int port) throws Exception {
        SignalingTestClient client = new SignalingTestClient(port);
        opened.add(client);
        return client;
    }

    @Test
    void peersOnTwoServersShareTheRoomAndAStoppingServerHandsItsPeerToTheOther() throws Exception {
        SignalingTestClient alice = client(stack.port());
        String alicePeer = alice.ok("join", data("roomId", "two-servers", "token",
                SignalingStack.token("alice", "two-servers", "audio", "video"))).path("peerId").asText();
        String send = alice.ok("createWebRtcTransport", data("direction", "send")).path("id").asText();
        String video = alice.ok("produce", data("transportId", send, "kind", "video", "rtpParameters",
                SignalingTestClient.parse(SignalingServerTest.VP8_RTP_PARAMETERS))).path("id").asText();

        SignalingTestClient bob = client(secondPort);
        JsonNode bobJoined = bob.ok("join", data("roomId", "two-servers", "token",
                SignalingStack.token("bob", "two-servers")));
        assertThat(bobJoined.path("producers").findValuesAsText("producerId"))
                .as("the other server's producer, from the session store").containsExactly(video);
        String recv = bob.ok("createWebRtcTransport", data("direction", "recv")).path("id").asText();
        String consumer = bob.ok("consume", data("transportId", recv, "producerId", video, "rtpCapabilities",
                SignalingTestClient.parse(SignalingServerTest.RECEIVER_CAPABILITIES))).path("id").asText();

        String audio = alice.ok("produce", data("transportId", send, "kind", "audio", "rtpParameters",
                SignalingTestClient.parse(SignalingServerTest.OPUS_RTP_PARAMETERS))).path("id").asText();
        JsonNode announced = bob.awaitNotification("newProducer");
        assertThat(announced.path("producerId").asText()).isEqualTo(audio);
        assertThat(announced.path("peerId").asText()).isEqualTo(alicePeer);

        alice.ok("closeProducer", data("producerId", video));
        assertThat(bob.awaitNotification("producerClosed").path("producerId").asText()).isEqualTo(video);
        assertThat(bob.awaitNotification("consumerClosed").path("consumerId").asText()).isEqualTo(consumer);

        stack.stopSecondSignaling();
        SignalingTestClient bobAgain = client(stack.port());
        JsonNode resumed = bobAgain.ok("resume", data("peerId", bobJoined.path("peerId").asText(),
                "resumeToken", bobJoined.path("resumeToken").asText()));
        assertThat(resumed.path("transports").findValuesAsText("id")).containsExactly(recv);
        assertThat(resumed.path("producers").findValuesAsText("producerId")).containsExactly(audio);
        assertThat(bobAgain.ok("restartIce", data("transportId", recv)).path("iceParameters")
                .path("usernameFragment").asText()).isNotEmpty();

        alice.ok("leave", null);
        assertThat(bobAgain.awaitNotification("peerLeft").path("peerId").asText()).isEqualTo(alicePeer);
    }
}
