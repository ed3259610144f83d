package io.sluice.orchestrator.signaling;

import static io.sluice.orchestrator.signaling.SignalingTestClient.data;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.orchestrator.client.SluiceRequester;
import io.sluice.orchestrator.client.WorkerClient;
import io.sluice.orchestrator.metrics.OperatorServer;
import io.sluice.orchestrator.metrics.StubMetrics;
import io.sluice.worker.dtls.DtlsFingerprint;
import io.sluice.worker.dtls.DtlsRole;
import io.sluice.worker.testsupport.WebRtcTestPeer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A room spread over two worker processes (docs/signaling.md, "Rooms over several workers"): with
 * one peer per worker, the viewer lands on a router of the other worker, the publisher's producer
 * is piped there with one router.pipeToRouter (UDP between the processes) and the viewer's
 * WebRTC peer receives its RTP; the operator's room dump shows both routers and the pipe; a third
 * peer, with no third worker, goes to the least filled router; when the viewer leaves, its router
 * is closed and the worker closes the pipe on both sides.
 */
class SpreadRoomTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String ROOM = "spread-room";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path logs;

    private RecoveryStack stack;

    @BeforeEach
    void start() throws Exception {
        stack = RecoveryStack.start(logs, 2);
        stack.placement().spreadRoomsBeyond(1);
    }

    @AfterEach
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aViewerBeyondTheLimitConsumesThroughAPipeAndItsRouterClosesWhenItLeaves() throws Exception {
        SluiceRequester requester = new SluiceRequester(stack.nats());
        HttpClient http = HttpClient.newHttpClient();
        try (SignalingTestClient alice = new SignalingTestClient(stack.port());
                SignalingTestClient bob = new SignalingTestClient(stack.port());
                OperatorServer operator = OperatorServer.start("127.0.0.1", 0, new StubMetrics(), () -> null,
                        stack.server()::roomDump)) {
            alice.ok("join", data("roomId", ROOM, "token", SignalingStack.token("alice", ROOM, "audio", "video")));
            JsonNode send = alice.ok("createWebRtcTransport", data("direction", "send"));
            String homeRouter = stack.assignment(ROOM).orElseThrow().routerId();
            String homeWorker = stack.assignment(ROOM).orElseThrow().workerId();
            try (WebRtcTestPeer publisher = WebRtcTestPeer.udp(udpCandidate(send))) {
                connect(alice, send, publisher);
                String producerId = alice.ok("produce", data("transportId", send.path("id").asText(), "kind", "video",
                        "rtpParameters", SignalingTestClient.parse(SignalingServerTest.VP8_RTP_PARAMETERS)))
                        .path("id").asText();

                assertThat(bob.ok("join", data("roomId", ROOM, "token", SignalingStack.token("bob", ROOM)))
                        .path("producers").findValuesAsText("producerId")).containsExactly(producerId);
                JsonNode recv = bob.ok("createWebRtcTransport", data("direction", "recv"));
                String spreadWorker = stack.redis().sync().hget("sluice:transport:" + recv.path("id").asText(),
                        "worker_id");
                assertThat(spreadWorker).as("bob is beyond one peer per worker").isNotEqualTo(homeWorker);
                try (WebRtcTestPeer viewer = WebRtcTestPeer.udp(udpCandidate(recv))) {
                    connect(bob, recv, viewer);
                    JsonNode consumer = bob.ok("consume", data("transportId", recv.path("id").asText(),
                            "producerId", producerId, "rtpCapabilities",
                            SignalingTestClient.parse(SignalingServerTest.RECEIVER_CAPABILITIES)));
                    assertThat(consumer.path("producerId").asText()).isEqualTo(producerId);
                    bob.ok("resumeConsumer", data("consumerId", consumer.path("id").asText()));

                    AtomicInteger sequence = new AtomicInteger();
                    await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
                        for (int i = 0; i < 5; i++) {
                            publisher.sendRtp(11112222, sequence.incrementAndGet(), 1000, false);
                        }
                        return viewer.srtpPacketsReceived() >= 20;
                    });

                    JsonNode dump = roomDump(http, operator);
                    assertThat(dump.path("homeRouterId").asText()).isEqualTo(homeRouter);
                    assertThat(dump.path("routers")).hasSize(2);
                    JsonNode spread = dump.path("routers").get(1);
                    String spreadRouter = spread.path("routerId").asText();
                    assertThat(spread.path("workerId").asText()).isEqualTo(spreadWorker);
                    assertThat(spread.path("peers")).hasSize(1);
                    assertThat(spread.path("load").has("loopUtilization")).isTrue();
                    assertThat(dump.path("routers").get(0).path("workerId").asText()).isEqualTo(homeWorker);
                    assertThat(dump.path("pipes").path(producerId)).hasSize(1);
                    assertThat(dump.path("pipes").path(producerId).get(0).asText()).isEqualTo(spreadRouter);
                    assertThat(new WorkerClient(requester, homeWorker).router(homeRouter).dump()
                            .get(30, TimeUnit.SECONDS).getTransportIdsList())
                            .as("alice's send transport and the pipe's end").hasSize(2);

                    try (SignalingTestClient carol = new SignalingTestClient(stack.port())) {
                        carol.ok("join", data("roomId", ROOM, "token", SignalingStack.token("carol", ROOM)));
                        String carolsTransport = carol.ok("createWebRtcTransport", data("direction", "recv"))
                                .path("id").asText();
                        assertThat(stack.redis().sync().hget("sluice:transport:" + carolsTransport, "worker_id"))
                                .as("no third worker: the least filled router, the home one first")
                                .isEqualTo(homeWorker);
                        assertThat(roomDump(http, operator).path("routers")).hasSize(2);
                        carol.ok("leave", null);
                    }

                    bob.ok("leave", null);
                    await().atMost(WAIT).until(() -> new WorkerClient(requester, spreadWorker).dump()
                            .get(30, TimeUnit.SECONDS).getRouterIdsList().isEmpty());
                    await().atMost(WAIT).until(() -> new WorkerClient(requester, homeWorker).router(homeRouter).dump()
                            .get(30, TimeUnit.SECONDS).getTransportIdsList()
                            .equals(List.of(send.path("id").asText())));
                    JsonNode after = roomDump(http, operator);
                    assertThat(after.path("routers")).hasSize(1);
                    assertThat(after.path("pipes").size()).isZero();
                }
            }
        }
    }

    private static JsonNode roomDump(HttpClient http, OperatorServer operator) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + operator.port() + "/rooms/" + ROOM)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    /** ICE, connectTransport and DTLS as a browser does them, the peer as DTLS client. */
    private static void connect(SignalingTestClient client, JsonNode transport, WebRtcTestPeer peer) throws Exception {
        peer.sendBindingRequest(transport.path("iceParameters").path("usernameFragment").asText(),
                transport.path("iceParameters").path("password").asText(), true);
        assertThat(peer.awaitStunResponse(WAIT).isSuccess()).isTrue();
        client.ok("connectTransport", data("transportId", transport.path("id").asText(), "dtlsParameters",
                data("role", "client", "fingerprints",
                        List.of(data("algorithm", "sha-256", "value", peer.fingerprint().value())))));
        JsonNode local = null;
        for (JsonNode fingerprint : transport.path("dtlsParameters").path("fingerprints")) {
            if (fingerprint.path("algorithm").asText().equals("sha-256")) {
                local = fingerprint;
            }
        }
        assertThat(local).isNotNull();
        peer.startDtls(DtlsRole.CLIENT, DtlsFingerprint.parse("sha-256", local.path("value").asText()));
        peer.awaitDtlsConnected(WAIT);
    }

    private static InetSocketAddress udpCandidate(JsonNode transport) {
        for (JsonNode candidate : transport.path("iceCandidates")) {
            if (candidate.path("protocol").asText().equals("udp")) {
                return new InetSocketAddress(candidate.path("address").asText(), candidate.path("port").asInt());
            }
        }
        throw new AssertionError("no UDP candidate in " + transport);
    }
}
