package io.sluice.orchestrator.signaling;

import static io.sluice.orchestrator.signaling.SignalingTestClient.data;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.api.v1.ErrorCode;
import io.sluice.api.v1.TransportDumpRequest;
import io.sluice.api.v1.TransportDumpResponse;
import io.sluice.orchestrator.client.SluiceRequestException;
import io.sluice.orchestrator.client.SluiceRequester;
import io.sluice.worker.testsupport.Patience;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sessions outlive their WebSocket (docs/signaling.md, "Resuming a session") against a real worker,
 * nats-server and redis-server: a peer resumes on a new socket with its transports and the
 * notifications it missed; one that does not come back leaves after the grace; a restarted
 * signaling server (nothing in memory, only Redis) resumes the peers of the one before.
 */
class SessionResumeTest {

    private static final Duration GRACE = Duration.ofSeconds(3);

    private static SignalingStack stack;
    private final List<SignalingTestClient> opened = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        stack = SignalingStack.startWithSessions(GRACE);
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

    private SignalingTestClient client() throws Exception {
        SignalingTestClient client = new SignalingTestClient(stack.port());
        opened.add(client);
        return client;
    }

    @Test
    void aPeerResumesOnANewSocketWithItsTransportAndTheNotificationsItMissed() throws Exception {
        SignalingTestClient alice = client();
        JsonNode joined = alice.ok("join", data("roomId", "resume-1", "token", SignalingStack.token("alice", "resume-1")));
        String transportId = alice.ok("createWebRtcTransport", data("direction", "recv")).path("id").asText();
        SignalingTestClient bob = client();
        String bobPeer = bob.ok("join", data("roomId", "resume-1", "token", SignalingStack.token("bob", "resume-1")))
                .path("peerId").asText();

        alice.close();
        bob.ok("leave", null);

        SignalingTestClient again = client();
        String peerId = joined.path("peerId").asText();
        assertThat(errorCode(again.request("resume", data("peerId", peerId, "resumeToken", "not-the-token"))))
                .isEqualTo("PERMISSION_DENIED");
        assertThat(errorCode(again.request("resume", data("peerId", "no-such-peer", "resumeToken",
                joined.path("resumeToken").asText())))).isEqualTo("NOT_FOUND");
        JsonNode resumed = again.ok("resume", data("peerId", peerId, "resumeToken", joined.path("resumeToken").asText()));

        assertThat(resumed.path("peerId").asText()).isEqualTo(peerId);
        assertThat(resumed.path("userId").asText()).isEqualTo("alice");
        assertThat(resumed.path("transports").findValuesAsText("id")).containsExactly(transportId);
        assertThat(again.awaitNotification("peerLeft").path("peerId").asText())
                .as("kept while detached, delivered on resume").isEqualTo(bobPeer);
        assertThat(again.ok("restartIce", data("transportId", transportId)).path("iceParameters")
                .path("usernameFragment").asText()).isNotEmpty();
        assertThat(errorCode(again.request("join", data("roomId", "resume-1", "token",
                SignalingStack.token("alice", "resume-1"))))).isEqualTo("FAILED_PRECONDITION");
    }

    @Test
    void aPeerThatDoesNotResumeWithinTheGraceLeavesAndItsTransportCloses() throws Exception {
        SignalingTestClient carol = client();
        JsonNode joined = carol.ok("join", data("roomId", "resume-2", "token", SignalingStack.token("carol", "resume-2")));
        String transportId = carol.ok("createWebRtcTransport", data("direction", "recv")).path("id").asText();
        assertThat(transportDump(transportId)).isNotNull();

        carol.close();

        await().atMost(Patience.WAIT).untilAsserted(() -> assertThat(transportGone(transportId)).isTrue());
        SignalingTestClient again = client();
        assertThat(errorCode(again.request("resume", data("peerId", joined.path("peerId").asText(), "resumeToken",
                joined.path("resumeToken").asText())))).isEqualTo("NOT_FOUND");
    }

    @Test
    void aRestartedSignalingServerResumesThePeersOfTheOneBefore() throws Exception {
        SignalingTestClient dave = client();
        JsonNode daveJoined = dave.ok("join", data("roomId", "resume-3", "token", SignalingStack.token("dave", "resume-3")));
        String daveTransport = dave.ok("createWebRtcTransport", data("direction", "recv")).path("id").asText();
        SignalingTestClient erin = client();
        JsonNode erinJoined = erin.ok("join", data("roomId", "resume-3", "token", SignalingStack.token("erin", "resume-3")));

        stack.restartSignaling();

        SignalingTestClient daveAgain = client();
        JsonNode resumed = daveAgain.ok("resume", data("peerId", daveJoined.path("peerId").asText(),
                "resumeToken", daveJoined.path("resumeToken").asText()));
        assertThat(resumed.path("transports").findValuesAsText("id")).containsExactly(daveTransport);
        assertThat(transportDump(daveTransport)).as("the transport lived on through the restart").isNotNull();
        assertThat(daveAgain.ok("restartIce", data("transportId", daveTransport)).path("iceParameters")
                .path("usernameFragment").asText()).isNotEmpty();

        SignalingTestClient erinAgain = client();
        erinAgain.ok("resume", data("peerId", erinJoined.path("peerId").asText(),
                "resumeToken", erinJoined.path("resumeToken").asText()));
        erinAgain.ok("leave", null);
        assertThat(daveAgain.awaitNotification("peerLeft").path("peerId").asText())
                .as("the restored room knows both peers").isEqualTo(erinJoined.path("peerId").asText());
    }

    private static TransportDumpResponse transportDump(String transportId) {
        return new SluiceRequester(stack.nats()).request(stack.workerId(), "transport", "dump",
                TransportDumpRequest.newBuilder().setTransportId(transportId).build(), TransportDumpResponse.parser(),
                null).join();
    }

    private static boolean transportGone(String transportId) {
        try {
            transportDump(transportId);
            return false;
        } catch (CompletionException e) {
            return e.getCause() instanceof SluiceRequestException worker && worker.code() == ErrorCode.NOT_FOUND;
        }
    }

    private static String errorCode(JsonNode response) {
        assertThat(response.path("ok").asBoolean()).as("expected an error: %s", response).isFalse();
        return response.path("error").path("code").asText();
    }
}
