package io.sluice.orchestrator.signaling;

import static io.sluice.orchestrator.signaling.SignalingTestClient.data;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.api.v1.ConsumerLayers;
import io.sluice.api.v1.ConsumerLayersChanged;
import io.sluice.api.v1.ConsumerScore;
import io.sluice.api.v1.Event;
import io.sluice.api.v1.TransportCloseRequest;
import io.sluice.api.v1.TransportCloseResponse;
import io.sluice.api.v1.TransportDumpRequest;
import io.sluice.api.v1.TransportDumpResponse;
import io.sluice.orchestrator.client.SluiceRequester;
import io.sluice.orchestrator.testsupport.ScriptedWorker;
import io.sluice.worker.dtls.DtlsFingerprint;
import io.sluice.worker.testsupport.WebRtcTestPeer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * The signaling WebSocket against a real worker: the JSON shapes mediasoup-client takes, the join
 * token and ownership checks (refused before any worker request), and the notifications.
 */
class SignalingServerTest {

    /** What mediasoup-client 3.24.1's Chrome111 handler sends for a VP8 camera track. */
    static final String VP8_RTP_PARAMETERS = """
            {"mid":"0","codecs":[{"mimeType":"video/VP8","payloadType":96,"clockRate":90000,"parameters":{},
              "rtcpFeedback":[{"type":"goog-remb","parameter":""},{"type":"transport-cc","parameter":""},
              {"type":"ccm","parameter":"fir"},{"type":"nack","parameter":""},{"type":"nack","parameter":"pli"}]}],
             "headerExtensions":[{"uri":"urn:ietf:params:rtp-hdrext:sdes:mid","id":4,"encrypt":false,"parameters":{}}],
             "encodings":[{"ssrc":11112222,"active":true}],
             "rtcp":{"cname":"signaling-test","reducedSize":true}}""";
    static final String OPUS_RTP_PARAMETERS = """
            {"mid":"1","codecs":[{"mimeType":"audio/opus","payloadType":111,"clockRate":48000,"channels":2,
              "parameters":{"minptime":10,"useinbandfec":1},"rtcpFeedback":[]}],
             "headerExtensions":[],"encodings":[{"ssrc":33334444}],"rtcp":{"cname":"signaling-test"}}""";
    static final String RECEIVER_CAPABILITIES = """
            {"codecs":[{"kind":"video","mimeType":"video/VP8","preferredPayloadType":96,"clockRate":90000,
              "parameters":{},"rtcpFeedback":[{"type":"nack","parameter":"pli"}]},
              {"kind":"audio","mimeType":"audio/opus","preferredPayloadType":111,"clockRate":48000,"channels":2,
              "parameters":{},"rtcpFeedback":[]}],
             "headerExtensions":[]}""";

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

    private SignalingTestClient client() throws Exception {
        SignalingTestClient client = new SignalingTestClient(stack.port());
        opened.add(client);
        return client;
    }

    @AfterEach
    void closeClients() throws Exception {
        for (AutoCloseable closeable : opened) {
            closeable.close();
        }
    }

    @Test
    void aMessageInFragmentsIsAggregatedAndOneOverTheCapInTotalIsClosedWith1009() throws Exception {
        SignalingTestClient client = client();
        String valid = SignalingStack.token("frank", "room-fragments", "audio", "video");
        // Before: the first fragment was parsed alone and the continuations dropped.
        assertThat(client.requestInFragments("join", data("roomId", "room-fragments", "token", valid), 5)
                .path("data").path("userId").asText()).isEqualTo("frank");

        CompletableFuture<Integer> closeCode = new CompletableFuture<>();
        try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
            java.net.http.WebSocket socket = http.newWebSocketBuilder().buildAsync(
                    java.net.URI.create("ws://127.0.0.1:" + stack.port() + "/ws"), new java.net.http.WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onClose(java.net.http.WebSocket webSocket, int statusCode, String reason) {
                            closeCode.complete(statusCode);
                            return null;
                        }
                    }).get(30, TimeUnit.SECONDS);
            String fragment = "x".repeat(100 * 1024);
            for (int i = 0; i < 3 && !closeCode.isDone(); i++) {
                socket.sendText(fragment, false).exceptionally(e -> null).get(30, TimeUnit.SECONDS);
            }
            assertThat(closeCode.get(30, TimeUnit.SECONDS)).isEqualTo(1009);
        }
    }

    @Test
    void aForgedOrForeignTokenIsRefusedAndNothingElseWorksBeforeJoin() throws Exception {
        SignalingTestClient client = client();
        String valid = SignalingStack.token("mallory", "room-a", "audio", "video");
        String forged = new JoinToken("mallory", "room-a", Set.of("audio", "video"))
                .sign("another-secret".getBytes(StandardCharsets.UTF_8), java.time.Instant.now().plusSeconds(3600));
        String tampered = valid.substring(0, valid.indexOf('.') - 2) + "xx" + valid.substring(valid.indexOf('.'));

        assertThat(errorCode(client.request("createWebRtcTransport", data("direction", "send"))))
                .isEqualTo("FAILED_PRECONDITION");
        assertThat(errorCode(client.request("join", data("roomId", "room-a", "token", forged))))
                .isEqualTo("PERMISSION_DENIED");
        assertThat(errorCode(client.request("join", data("roomId", "room-a", "token", tampered))))
                .isEqualTo("PERMISSION_DENIED");
        assertThat(errorCode(client.request("join", data("roomId", "room-b", "token", valid))))
                .isEqualTo("PERMISSION_DENIED");
        assertThat(client.ok("join", data("roomId", "room-a", "token", valid)).path("userId").asText())
                .isEqualTo("mallory");
    }

    @Test
    void aPublisherIsConsumedByASecondPeerAndItsNotificationsArrive() throws Exception {
        SignalingTestClient alice = client();
        JsonNode joined = alice.ok("join", data("roomId", "room-1", "token",
                SignalingStack.token("alice", "room-1", "audio", "video")));
        assertThat(joined.path("producers")).isEmpty();

        JsonNode capabilities = alice.ok("getRouterRtpCapabilities", null);
        assertThat(capabilities.path("codecs").findValuesAsText("mimeType")).contains("audio/opus", "video/VP8");

        JsonNode send = alice.ok("createWebRtcTransport", data("direction", "send"));
        assertTransportOptions(send);
        try (WebRtcTestPeer browser = WebRtcTestPeer.udp(udpCandidate(send))) {
            DtlsFingerprint fingerprint = browser.fingerprint();
            alice.ok("connectTransport", data("transportId", send.path("id").asText(), "dtlsParameters",
                    data("role", "client", "fingerprints",
                            List.of(data("algorithm", fingerprint.algorithm().sdpName(), "value", fingerprint.value())))));
        }
        String videoProducer = alice.ok("produce", data("transportId", send.path("id").asText(), "kind", "video",
                "rtpParameters", SignalingTestClient.parse(VP8_RTP_PARAMETERS))).path("id").asText();
        assertThat(videoProducer).isNotEmpty();

        SignalingTestClient bob = client();
        JsonNode bobJoined = bob.ok("join", data("roomId", "room-1", "token", SignalingStack.token("bob", "room-1")));
        assertThat(bobJoined.path("producers")).hasSize(1);
        assertThat(bobJoined.path("producers").get(0).path("producerId").asText()).isEqualTo(videoProducer);
        assertThat(bobJoined.path("producers").get(0).path("kind").asText()).isEqualTo("video");
        assertThat(bobJoined.path("producers").get(0).path("userId").asText()).isEqualTo("alice");

        assertThat(errorCode(bob.request("createWebRtcTransport", data("direction", "send"))))
                .as("a token without audio or video opens no send transport").isEqualTo("PERMISSION_DENIED");
        assertThat(errorCode(bob.request("produce", data("transportId", send.path("id").asText(), "kind", "video",
                "rtpParameters", SignalingTestClient.parse(VP8_RTP_PARAMETERS)))))
                .as("alice's transport is not bob's").isEqualTo("NOT_FOUND");
        assertThat(errorCode(bob.request("closeProducer", data("producerId", videoProducer))))
                .as("alice's producer is not bob's").isEqualTo("NOT_FOUND");

        JsonNode recv = bob.ok("createWebRtcTransport", data("direction", "recv"));
        assertTransportOptions(recv);
        JsonNode consumer = bob.ok("consume", data("transportId", recv.path("id").asText(), "producerId", videoProducer,
                "rtpCapabilities", SignalingTestClient.parse(RECEIVER_CAPABILITIES)));
        assertThat(consumer.path("producerId").asText()).isEqualTo(videoProducer);
        assertThat(consumer.path("kind").asText()).isEqualTo("video");
        assertThat(consumer.path("rtpParameters").path("codecs").get(0).path("mimeType").asText())
                .isEqualTo("video/VP8");
        assertThat(consumer.path("rtpParameters").path("encodings").get(0).path("ssrc").asLong()).isPositive();
        bob.ok("resumeConsumer", data("consumerId", consumer.path("id").asText()));

        String audioProducer = alice.ok("produce", data("transportId", send.path("id").asText(), "kind", "audio",
                "rtpParameters", SignalingTestClient.parse(OPUS_RTP_PARAMETERS))).path("id").asText();
        JsonNode announced = bob.awaitNotification("newProducer");
        assertThat(announced.path("producerId").asText()).isEqualTo(audioProducer);
        assertThat(announced.path("peerId").asText()).isEqualTo(joined.path("peerId").asText());
        assertThat(announced.path("userId").asText()).as("the publisher's user, for labels").isEqualTo("alice");

        alice.ok("closeProducer", data("producerId", videoProducer));
        assertThat(bob.awaitNotification("producerClosed").path("producerId").asText()).isEqualTo(videoProducer);
        assertThat(bob.awaitNotification("consumerClosed").path("consumerId").asText())
                .isEqualTo(consumer.path("id").asText());

        alice.close();
        JsonNode audioClosed = bob.awaitNotification("producerClosed");
        assertThat(audioClosed.path("producerId").asText()).isEqualTo(audioProducer);
        assertThat(bob.awaitNotification("peerLeft").path("peerId").asText()).isEqualTo(joined.path("peerId").asText());
    }

    @Test
    void workerEventsAndTheNewMethodsReachOnlyTheOwningPeer() throws Exception {
        SignalingTestClient alice = client();
        alice.ok("join", data("roomId", "room-3", "token", SignalingStack.token("alice", "room-3", "video")));
        JsonNode send = alice.ok("createWebRtcTransport", data("direction", "send"));
        String sendId = send.path("id").asText();
        String producer = alice.ok("produce", data("transportId", sendId, "kind", "video",
                "rtpParameters", SignalingTestClient.parse(VP8_RTP_PARAMETERS))).path("id").asText();
        SignalingTestClient bob = client();
        bob.ok("join", data("roomId", "room-3", "token", SignalingStack.token("bob", "room-3")));
        JsonNode recv = bob.ok("createWebRtcTransport", data("direction", "recv"));
        JsonNode consumed = bob.ok("consume", data("transportId", recv.path("id").asText(), "producerId", producer,
                "rtpCapabilities", SignalingTestClient.parse(RECEIVER_CAPABILITIES)));
        String consumer = consumed.path("id").asText();
        assertThat(consumed.path("type").asText()).isEqualTo("simple");
        assertThat(consumed.path("score").path("score").isInt()).isTrue();
        bob.ok("resumeConsumer", data("consumerId", consumer));

        alice.ok("pauseProducer", data("producerId", producer));
        JsonNode paused = bob.awaitNotification("consumerPaused");
        assertThat(paused.path("consumerId").asText()).isEqualTo(consumer);
        assertThat(paused.path("producerPaused").asBoolean()).isTrue();
        alice.ok("resumeProducer", data("producerId", producer));
        assertThat(bob.awaitNotification("consumerResumed").path("producerPaused").asBoolean()).isFalse();
        bob.ok("pauseConsumer", data("consumerId", consumer));
        bob.ok("resumeConsumer", data("consumerId", consumer));

        JsonNode consumerStats = bob.ok("getConsumerStats", data("consumerId", consumer));
        assertThat(consumerStats.path("consumerId").asText()).isEqualTo(consumer);
        assertThat(consumerStats.path("streams").isArray()).isTrue();
        assertThat(alice.ok("getProducerStats", data("producerId", producer)).path("producerId").asText())
                .isEqualTo(producer);
        assertThat(errorCode(bob.request("getProducerStats", data("producerId", producer))))
                .as("alice's producer is not bob's").isEqualTo("NOT_FOUND");
        assertThat(errorCode(bob.request("pauseProducer", data("producerId", producer)))).isEqualTo("NOT_FOUND");
        assertThat(errorCode(alice.request("pauseConsumer", data("consumerId", consumer)))).isEqualTo("NOT_FOUND");
        assertThat(errorCode(alice.request("setPreferredLayers", data("consumerId", consumer, "spatialLayer", 0))))
                .isEqualTo("NOT_FOUND");
        assertThat(errorCode(bob.request("setPreferredLayers", data("consumerId", consumer, "spatialLayer", -1))))
                .isEqualTo("INVALID_ARGUMENT");
        assertThat(errorCode(bob.request("setConsumerPriority", data("consumerId", consumer, "priority", 0))))
                .isEqualTo("INVALID_ARGUMENT");

        try (ScriptedWorker scripted = new ScriptedWorker("scripted-events", stack.nats(), null)) {
            boolean standIn = scripted.standInForConsumerLayerMethods(stack.workerId());
            assertThat(bob.ok("setConsumerPriority", data("consumerId", consumer, "priority", 7)).path("priority")
                    .asInt()).isEqualTo(7);
            if (!standIn) {
                // The real worker: this VP8 producer has one encoding, so its consumer is simple.
                assertThat(errorCode(bob.request("setPreferredLayers", data("consumerId", consumer,
                        "spatialLayer", 1, "temporalLayer", 0)))).isEqualTo("FAILED_PRECONDITION");
            } else {
                JsonNode layers = bob.ok("setPreferredLayers", data("consumerId", consumer, "spatialLayer", 1,
                        "temporalLayer", 0));
                assertThat(layers.path("spatialLayer").asInt()).isEqualTo(1);
                assertThat(layers.path("temporalLayer").asInt()).isEqualTo(0);
                assertThat(scripted.preferredLayersRequests()).singleElement().satisfies(request -> {
                    assertThat(request.getConsumerId()).isEqualTo(consumer);
                    assertThat(request.getPreferredLayers().getSpatialLayer()).isEqualTo(1);
                    assertThat(request.getPreferredLayers().getTemporalLayer()).isEqualTo(0);
                });
            }

            String routerId = routerIdOf(recv.path("id").asText());
            scripted.publishEvent(routerId, "consumer", consumer, "layerschange", Event.newBuilder()
                    .setConsumerLayersChanged(ConsumerLayersChanged.newBuilder().setLayers(
                            ConsumerLayers.newBuilder().setSpatialLayer(1).setTemporalLayer(2))));
            JsonNode changed = bob.awaitNotification("consumerLayersChanged");
            assertThat(changed.path("consumerId").asText()).isEqualTo(consumer);
            assertThat(changed.path("spatialLayer").asInt()).isEqualTo(1);
            assertThat(changed.path("temporalLayer").asInt()).isEqualTo(2);
            scripted.publishEvent(routerId, "consumer", consumer, "layerschange", Event.newBuilder()
                    .setConsumerLayersChanged(ConsumerLayersChanged.getDefaultInstance()));
            JsonNode none = bob.awaitNotification("consumerLayersChanged");
            assertThat(none.path("spatialLayer").isNull()).isTrue();
            assertThat(none.path("temporalLayer").isNull()).isTrue();
            scripted.publishEvent(routerId, "consumer", consumer, "score", Event.newBuilder()
                    .setConsumerScore(ConsumerScore.newBuilder().setScore(3).setProducerScore(9).addProducerScores(9)));
            JsonNode score = bob.awaitNotification("consumerScore");
            assertThat(score.path("consumerId").asText()).isEqualTo(consumer);
            assertThat(score.path("score").asInt()).isEqualTo(3);
            assertThat(score.path("producerScore").asInt()).isEqualTo(9);
            assertThat(score.path("producerScores").get(0).asInt()).isEqualTo(9);
        }

        String oldFragment = recv.path("iceParameters").path("usernameFragment").asText();
        JsonNode restarted = bob.ok("restartIce", data("transportId", recv.path("id").asText()));
        assertThat(restarted.path("iceParameters").path("usernameFragment").asText()).isNotEmpty()
                .isNotEqualTo(oldFragment);
        assertThat(errorCode(alice.request("restartIce", data("transportId", recv.path("id").asText()))))
                .isEqualTo("NOT_FOUND");

        // Closed on the worker, not through signaling: both browsers still learn of it.
        new SluiceRequester(stack.nats()).request(stack.workerId(), "transport", "close",
                TransportCloseRequest.newBuilder().setTransportId(sendId).build(), TransportCloseResponse.parser(),
                null).get(15, TimeUnit.SECONDS);
        assertThat(alice.awaitNotification("producerClosed").path("producerId").asText()).isEqualTo(producer);
        assertThat(alice.awaitNotification("transportClosed").path("transportId").asText()).isEqualTo(sendId);
        assertThat(bob.awaitNotification("producerClosed").path("producerId").asText()).isEqualTo(producer);
        JsonNode closed = bob.awaitNotification("consumerClosed");
        assertThat(closed.path("consumerId").asText()).isEqualTo(consumer);
        assertThat(closed.path("producerId").asText()).isEqualTo(producer);
        assertThat(errorCode(alice.request("pauseProducer", data("producerId", producer)))).isEqualTo("NOT_FOUND");
        assertThat(errorCode(bob.request("getConsumerStats", data("consumerId", consumer)))).isEqualTo("NOT_FOUND");
    }

    /** The router of the room: the worker's transport dump names it. */
    private static String routerIdOf(String transportId) throws Exception {
        return new SluiceRequester(stack.nats()).request(stack.workerId(), "transport", "dump",
                TransportDumpRequest.newBuilder().setTransportId(transportId).build(), TransportDumpResponse.parser(),
                null).get(15, TimeUnit.SECONDS).getRouterId();
    }

    @Test
    void aTokenWithoutAudioCannotProduceAudio() throws Exception {
        SignalingTestClient carol = client();
        carol.ok("join", data("roomId", "room-2", "token", SignalingStack.token("carol", "room-2", "video")));
        JsonNode send = carol.ok("createWebRtcTransport", data("direction", "send"));

        JsonNode refused = carol.request("produce", data("transportId", send.path("id").asText(), "kind", "audio",
                "rtpParameters", SignalingTestClient.parse(OPUS_RTP_PARAMETERS)));

        assertThat(errorCode(refused)).isEqualTo("PERMISSION_DENIED");
        assertThat(errorCode(carol.request("produce", data("transportId", send.path("id").asText(), "kind", "video",
                "rtpParameters", SignalingTestClient.parse("{\"codecs\":[]}")))))
                .as("the worker's own validation still applies").isEqualTo("INVALID_ARGUMENT");
    }

    @Test
    void thePageIsServedAtTheRoot() throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + stack.port() + "/?room=r&token=t")).build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> missing = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + stack.port() + "/nothing")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("<script src=\"app.js\"");
            assertThat(missing.statusCode()).isEqualTo(404);
        }
    }

    private static void assertTransportOptions(JsonNode transport) {
        assertThat(transport.path("id").asText()).isNotEmpty();
        assertThat(transport.path("iceParameters").path("usernameFragment").asText()).isNotEmpty();
        assertThat(transport.path("iceParameters").path("password").asText()).isNotEmpty();
        assertThat(transport.path("iceParameters").path("iceLite").asBoolean()).isTrue();
        assertThat(transport.path("iceCandidates")).isNotEmpty();
        for (JsonNode candidate : transport.path("iceCandidates")) {
            assertThat(candidate.path("foundation").asText()).isNotEmpty();
            assertThat(candidate.path("priority").asLong()).isPositive();
            assertThat(candidate.path("ip").asText()).isEqualTo("127.0.0.1");
            assertThat(candidate.path("address").asText()).isEqualTo("127.0.0.1");
            assertThat(candidate.path("protocol").asText()).isIn("udp", "tcp");
            assertThat(candidate.path("port").asInt()).isBetween(1, 65535);
            assertThat(candidate.path("type").asText()).isEqualTo("host");
            if (candidate.path("protocol").asText().equals("tcp")) {
                assertThat(candidate.path("tcpType").asText()).isEqualTo("passive");
            } else {
                assertThat(candidate.has("tcpType")).isFalse();
            }
        }
        assertThat(transport.path("dtlsParameters").path("role").asText()).isEqualTo("auto");
        JsonNode fingerprint = transport.path("dtlsParameters").path("fingerprints").get(0);
        assertThat(fingerprint.path("algorithm").asText()).startsWith("sha-");
        assertThat(fingerprint.path("value").asText()).matches("([0-9A-F]{2}:)+[0-9A-F]{2}");
    }

    private static InetSocketAddress udpCandidate(JsonNode transport) {
        for (JsonNode candidate : transport.path("iceCandidates")) {
            if (candidate.path("protocol").asText().equals("udp")) {
                return new InetSocketAddress(candidate.path("address").asText(), candidate.path("port").asInt());
            }
        }
        throw new AssertionError("no UDP candidate in " + transport);
    }

    private static String errorCode(JsonNode response) {
        assertThat(response.path("ok").asBoolean()).as("expected an error: %s", response).isFalse();
        return response.path("error").path("code").asText();
    }
}
