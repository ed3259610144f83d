package io.sluice.orchestrator.signaling;

import static io.sluice.orchestrator.signaling.SignalingTestClient.data;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.api.StatefulRedisConnection;
import io.nats.client.Connection;
import io.sluice.api.v1.ConsumerDumpResponse;
import io.sluice.api.v1.ConsumerLayers;
import io.sluice.api.v1.ConsumerScore;
import io.sluice.api.v1.DtlsFingerprint;
import io.sluice.api.v1.DtlsParameters;
import io.sluice.api.v1.DtlsRole;
import io.sluice.api.v1.ErrorCode;
import io.sluice.api.v1.Event;
import io.sluice.api.v1.IceCandidate;
import io.sluice.api.v1.IceParameters;
import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.ProducerDumpResponse;
import io.sluice.api.v1.RouterCreateWebRtcTransportResponse;
import io.sluice.api.v1.RtpCodecParameters;
import io.sluice.api.v1.RtpEncodingParameters;
import io.sluice.api.v1.RtpParameters;
import io.sluice.api.v1.TransportConsumeResponse;
import io.sluice.api.v1.TransportProduceResponse;
import io.sluice.api.v1.TransportProtocol;
import io.sluice.api.v1.WebRtcTransportInfo;
import io.sluice.orchestrator.client.SluiceEventSubscriber;
import io.sluice.orchestrator.client.SluiceRequester;
import io.sluice.orchestrator.discovery.WorkerDirectory;
import io.sluice.orchestrator.placement.InMemoryRoomAssignments;
import io.sluice.orchestrator.placement.RoomPlacement;
import io.sluice.orchestrator.policy.ScoreLayerPolicy;
import io.sluice.orchestrator.testsupport.MessagingServers;
import io.sluice.orchestrator.testsupport.ScriptedWorker;
import io.sluice.worker.testsupport.Patience;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The signaling server against a {@link ScriptedWorker} that answers the worker methods and
 * publishes the events, over the real nats-server and redis-server, for what real workers do not
 * do yet: the layer policy moves a simulcast consumer (as the consume response's type says) down
 * with consumer.setPreferredLayers while its relayed score stays poor and leaves a simple one
 * alone; after missed events, the peers re-read their producers and consumers.
 */
class SignalingWithScriptedWorkerTest {

    private static final String WORKER = "scripted-simulcast";
    private static final String ROUTER = WORKER + "-router-1";

    private static MessagingServers servers;
    private static Connection nats;
    private static StatefulRedisConnection<String, String> redis;
    private static ScriptedWorker worker;
    private static WorkerDirectory directory;
    private static SluiceEventSubscriber events;
    private static SignalingServer server;
    private static final AtomicInteger ids = new AtomicInteger();
    /** The type the scripted transport.consume answers next. */
    private static volatile String nextConsumerType = "simulcast";
    /** While true, the scripted producer.dump answers NOT_FOUND. */
    private static volatile boolean producersGone;

    @BeforeAll
    static void start() throws Exception {
        servers = MessagingServers.start();
        nats = servers.nats();
        redis = servers.redis();
        worker = new ScriptedWorker(WORKER, nats, redis.sync());
        worker.startService();
        worker.answer("router", "createWebRtcTransport", request -> RouterCreateWebRtcTransportResponse.newBuilder()
                .setTransport(transportInfo("t-" + ids.incrementAndGet())).build().toByteArray());
        worker.answer("transport", "produce", request -> TransportProduceResponse.newBuilder()
                .setProducerId("p-" + ids.incrementAndGet()).build().toByteArray());
        worker.answer("transport", "consume", request -> consumeResponse().toByteArray());
        worker.answer("consumer", "resume", request -> new byte[0]);
        worker.answer("consumer", "dump", request -> ConsumerDumpResponse.newBuilder().setType("simulcast")
                .setProducerPaused(true).setCurrentLayers(ConsumerLayers.newBuilder().setSpatialLayer(1)).build()
                .toByteArray());
        worker.answerOrFail("producer", "dump", () -> producersGone ? ErrorCode.NOT_FOUND : null,
                request -> ProducerDumpResponse.getDefaultInstance().toByteArray());
        assertThat(worker.standInForConsumerLayerMethods(WORKER)).isTrue();

        directory = new WorkerDirectory(nats, redis, InstantSource.system());
        RoomPlacement placement = new RoomPlacement(directory, new SluiceRequester(nats, Duration.ofSeconds(30)),
                new InMemoryRoomAssignments(), List.of());
        directory.addListener(placement);
        directory.start();
        worker.keepBeating(ScriptedWorker.load(0, 0, 0.1));
        await().atMost(Patience.WAIT).until(() -> !directory.liveWorkers().isEmpty());
        events = new SluiceEventSubscriber(nats);
        events.followAllRouters();
        server = SignalingServer.start("127.0.0.1", 0, placement, SignalingStack.joinTokens(), events,
                new ScoreLayerPolicy(InstantSource.system()));
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {server, events, directory, worker}) {
            if (closeable != null) {
                closeable.close();
            }
        }
        if (servers != null) {
            servers.close();
        }
    }

    @Test
    void poorScoresMoveASimulcastConsumerDownAndLeaveASimpleOneAlone() throws Exception {
        try (SignalingTestClient alice = new SignalingTestClient(server.port());
                SignalingTestClient bob = new SignalingTestClient(server.port())) {
            alice.ok("join", data("roomId", "room-layers", "token", SignalingStack.token("alice", "room-layers",
                    "video")));
            String send = alice.ok("createWebRtcTransport", data("direction", "send")).path("id").asText();
            String camera = alice.ok("produce", data("transportId", send, "kind", "video", "rtpParameters",
                    SignalingTestClient.parse(VP8))).path("id").asText();
            bob.ok("join", data("roomId", "room-layers", "token", SignalingStack.token("bob", "room-layers")));
            String recv = bob.ok("createWebRtcTransport", data("direction", "recv")).path("id").asText();
            JsonNode consumed = bob.ok("consume", data("transportId", recv, "producerId", camera,
                    "rtpCapabilities", SignalingTestClient.parse(CAPABILITIES)));
            String consumer = consumed.path("id").asText();
            assertThat(consumed.path("type").asText()).isEqualTo("simulcast");
            assertThat(consumed.path("preferredLayers").path("spatialLayer").asInt()).isEqualTo(2);

            for (int i = 0; i < 3; i++) {
                worker.publishEvent(ROUTER, "consumer", consumer, "score", Event.newBuilder()
                        .setConsumerScore(ConsumerScore.newBuilder().setScore(2).setProducerScore(10)));
                assertThat(bob.awaitNotification("consumerScore").path("score").asInt()).isEqualTo(2);
            }

            await().atMost(Patience.WAIT).untilAsserted(() -> assertThat(worker.preferredLayersRequests())
                    .singleElement().satisfies(request -> {
                        assertThat(request.getConsumerId()).isEqualTo(consumer);
                        assertThat(request.getPreferredLayers().getSpatialLayer()).isEqualTo(1);
                    }));

            // The peer's own choice is the new ceiling: from layer 0, poor scores change nothing more.
            bob.ok("setPreferredLayers", data("consumerId", consumer, "spatialLayer", 0));
            for (int i = 0; i < 3; i++) {
                worker.publishEvent(ROUTER, "consumer", consumer, "score", Event.newBuilder()
                        .setConsumerScore(ConsumerScore.newBuilder().setScore(1).setProducerScore(10)));
                bob.awaitNotification("consumerScore");
            }
            Thread.sleep(1500);
            assertThat(worker.preferredLayersRequests()).hasSize(2);
            assertThat(worker.preferredLayersRequests().get(1).getPreferredLayers().getSpatialLayer()).isZero();
        }
    }

    @Test
    void afterMissedEventsThePeersReReadTheirEntities() throws Exception {
        try (SignalingTestClient erin = new SignalingTestClient(server.port());
                SignalingTestClient frank = new SignalingTestClient(server.port())) {
            erin.ok("join", data("roomId", "room-gap", "token", SignalingStack.token("erin", "room-gap", "video")));
            String send = erin.ok("createWebRtcTransport", data("direction", "send")).path("id").asText();
            String camera = erin.ok("produce", data("transportId", send, "kind", "video", "rtpParameters",
                    SignalingTestClient.parse(VP8))).path("id").asText();
            frank.ok("join", data("roomId", "room-gap", "token", SignalingStack.token("frank", "room-gap")));
            String recv = frank.ok("createWebRtcTransport", data("direction", "recv")).path("id").asText();
            String consumer = frank.ok("consume", data("transportId", recv, "producerId", camera,
                    "rtpCapabilities", SignalingTestClient.parse(CAPABILITIES))).path("id").asText();

            // A gap in the worker's sequence (after an event the subscriber saw): the consumer's dump
            // says its producer is paused, on layer 1.
            worker.publishEvent(ROUTER, "transport", recv, "tuplechange", Event.newBuilder());
            worker.skipEvents(5);
            worker.publishEvent(ROUTER, "transport", recv, "tuplechange", Event.newBuilder());
            JsonNode paused = frank.awaitNotification("consumerPaused");
            assertThat(paused.path("consumerId").asText()).isEqualTo(consumer);
            assertThat(paused.path("producerPaused").asBoolean()).isTrue();
            assertThat(frank.awaitNotification("consumerLayersChanged").path("spatialLayer").asInt()).isEqualTo(1);

            // Another gap while the producer is gone from the worker: closed here as its events would have.
            producersGone = true;
            worker.skipEvents(5);
            worker.publishEvent(ROUTER, "transport", recv, "tuplechange", Event.newBuilder());
            assertThat(erin.awaitNotification("producerClosed").path("producerId").asText()).isEqualTo(camera);
            assertThat(frank.awaitNotification("consumerClosed").path("consumerId").asText()).isEqualTo(consumer);
            assertThat(frank.awaitNotification("producerClosed").path("producerId").asText()).isEqualTo(camera);
        } finally {
            producersGone = false;
        }
    }

    @Test
    void aSimpleConsumerIsLeftAlone() throws Exception {
        nextConsumerType = "simple";
        try (SignalingTestClient carol = new SignalingTestClient(server.port());
                SignalingTestClient dave = new SignalingTestClient(server.port())) {
            carol.ok("join", data("roomId", "room-simple", "token", SignalingStack.token("carol", "room-simple",
                    "video")));
            String send = carol.ok("createWebRtcTransport", data("direction", "send")).path("id").asText();
            String camera = carol.ok("produce", data("transportId", send, "kind", "video", "rtpParameters",
                    SignalingTestClient.parse(VP8))).path("id").asText();
            dave.ok("join", data("roomId", "room-simple", "token", SignalingStack.token("dave", "room-simple")));
            String recv = dave.ok("createWebRtcTransport", data("direction", "recv")).path("id").asText();
            JsonNode consumed = dave.ok("consume", data("transportId", recv, "producerId", camera,
                    "rtpCapabilities", SignalingTestClient.parse(CAPABILITIES)));
            String consumer = consumed.path("id").asText();
            assertThat(consumed.path("type").asText()).isEqualTo("simple");
            assertThat(consumed.has("preferredLayers")).isFalse();

            for (int i = 0; i < 4; i++) {
                worker.publishEvent(ROUTER, "consumer", consumer, "score", Event.newBuilder()
                        .setConsumerScore(ConsumerScore.newBuilder().setScore(1).setProducerScore(10)));
                dave.awaitNotification("consumerScore");
            }
            Thread.sleep(1500);
            assertThat(worker.preferredLayersRequests()).noneMatch(request -> request.getConsumerId().equals(consumer));
        } finally {
            nextConsumerType = "simulcast";
        }
    }

    private static final String VP8 = """
            {"mid":"0","codecs":[{"mimeType":"video/VP8","payloadType":96,"clockRate":90000,"parameters":{},
              "rtcpFeedback":[]}],"headerExtensions":[],
             "encodings":[{"rid":"r0"}],"rtcp":{"cname":"layers"}}""";
    private static final String CAPABILITIES = """
            {"codecs":[{"kind":"video","mimeType":"video/VP8","preferredPayloadType":96,"clockRate":90000,
              "parameters":{},"rtcpFeedback":[]}],"headerExtensions":[]}""";

    private static TransportConsumeResponse consumeResponse() {
        TransportConsumeResponse.Builder response = TransportConsumeResponse.newBuilder()
                .setConsumerId("c-" + ids.incrementAndGet()).setKind(MediaKind.VIDEO).setType(nextConsumerType);
        if (nextConsumerType.equals("simulcast")) {
            response.setPreferredLayers(ConsumerLayers.newBuilder().setSpatialLayer(2));
        }
        return response
                .setScore(ConsumerScore.newBuilder().setScore(10).setProducerScore(10))
                .setRtpParameters(RtpParameters.newBuilder().setMid("0")
                        .addCodecs(RtpCodecParameters.newBuilder().setMimeType("video/VP8").setPayloadType(101)
                                .setClockRate(90000))
                        .addEncodings(RtpEncodingParameters.newBuilder().setSsrc(5678).setScalabilityMode("L3T3")))
                .build();
    }

    private static WebRtcTransportInfo transportInfo(String id) {
        return WebRtcTransportInfo.newBuilder().setId(id)
                .setIceParameters(IceParameters.newBuilder().setUsernameFragment("ufrag" + id).setPassword("pw")
                        .setIceLite(true))
                .addIceCandidates(IceCandidate.newBuilder().setFoundation("udp").setPriority(1).setAddress("127.0.0.1")
                        .setProtocol(TransportProtocol.UDP).setPort(40000).setType("host"))
                .setDtlsParameters(DtlsParameters.newBuilder().setRole(DtlsRole.AUTO)
                        .addFingerprints(DtlsFingerprint.newBuilder().setAlgorithm("sha-256").setValue("AB:CD")))
                .build();
    }
}
