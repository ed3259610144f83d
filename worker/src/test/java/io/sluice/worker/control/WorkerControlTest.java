package io.sluice.worker.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Subscription;
import io.nats.service.Discovery;
import io.nats.service.Endpoint;
import io.nats.service.EndpointStats;
import io.nats.service.InfoResponse;
import io.nats.service.PingResponse;
import io.nats.service.StatsResponse;
import io.sluice.api.v1.AppData;
import io.sluice.api.v1.ErrorCode;
import io.sluice.api.v1.Event;
import io.sluice.api.v1.Heartbeat;
import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.RouterCloseRequest;
import io.sluice.api.v1.RouterClosed;
import io.sluice.api.v1.RouterDumpRequest;
import io.sluice.api.v1.RouterDumpResponse;
import io.sluice.api.v1.RouterGetRtpCapabilitiesRequest;
import io.sluice.api.v1.RouterGetRtpCapabilitiesResponse;
import io.sluice.api.v1.RtpCodecCapability;
import io.sluice.api.v1.WorkerCreateRouterRequest;
import io.sluice.api.v1.WorkerCreateRouterResponse;
import io.sluice.api.v1.WorkerDumpRequest;
import io.sluice.api.v1.WorkerDumpResponse;
import io.sluice.api.v1.WorkerGetResourceUsageRequest;
import io.sluice.api.v1.WorkerGetResourceUsageResponse;
import io.sluice.worker.router.Worker;
import io.sluice.worker.WorkerProcess;
import io.sluice.worker.config.WorkerConfig;
import io.sluice.worker.registry.WorkerLease;
import io.sluice.worker.testsupport.NatsServerProcess;
import io.sluice.worker.testsupport.Patience;
import io.sluice.worker.testsupport.RedisServerProcess;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The control API of a real worker process (2 loops) over a real nats-server, with a real redis-server. */
class WorkerControlTest {

    private static final List<String> ENDPOINTS = List.of("worker_dump", "worker_drain", "worker_getResourceUsage",
            "worker_createRouter", "router_close", "router_dump", "router_getRtpCapabilities",
            "router_createWebRtcTransport", "transport_connect", "transport_restartIce", "transport_getStats",
            "transport_dump", "transport_close", "transport_setMaxOutgoingBitrate", "transport_setMinOutgoingBitrate",
            "transport_setMaxIncomingBitrate", "transport_enableTraceEvent",
            "worker_createWebRtcServer", "webRtcServer_close", "webRtcServer_dump",
            "router_createPlainTransport", "plainTransport_connect", "plainTransport_close", "plainTransport_dump",
            "transport_produce", "transport_consume", "router_canConsume", "producer_pause", "producer_resume",
            "producer_close", "producer_dump", "producer_getStats", "consumer_pause", "consumer_resume",
            "consumer_close", "consumer_requestKeyFrame", "consumer_setPriority",
            "consumer_setPreferredLayers", "consumer_dump", "consumer_getStats",
            "router_createPipeTransport", "pipeTransport_connect", "pipeTransport_consume", "pipeTransport_produce",
            "pipeTransport_close", "pipeTransport_dump", "router_pipeToRouter",
            "transport_produceData", "transport_consumeData", "dataProducer_close", "dataProducer_pause",
            "dataProducer_resume", "dataProducer_dump", "dataProducer_getStats", "dataConsumer_close",
            "dataConsumer_pause", "dataConsumer_resume", "dataConsumer_dump", "dataConsumer_getStats",
            "dataConsumer_setBufferedAmountLowThreshold", "router_createDirectTransport", "dataProducer_send",
            "router_createActiveSpeakerObserver", "router_createAudioLevelObserver", "rtpObserver_addProducer",
            "rtpObserver_removeProducer", "rtpObserver_pause", "rtpObserver_resume", "rtpObserver_close",
            "rtpObserver_dump");

    private static NatsServerProcess nats;
    private static RedisServerProcess redis;
    private static WorkerProcess process;
    private static Connection connection;
    private static ControlClient client;
    private static RedisClient redisClient;
    private static StatefulRedisConnection<String, String> redisConnection;
    private static String worker0;
    private static String worker1;

    @BeforeAll
    static void startWorker() throws Exception {
        nats = NatsServerProcess.start();
        redis = RedisServerProcess.start();
        process = WorkerProcess.start(WorkerConfig.fromEnvironment(Map.of(
                "NATS_URL", nats.url(), "REDIS_URL", redis.url(), "WORKERS", "2",
                "WORKER_ID", "ctl-" + UUID.randomUUID().toString().substring(0, 8))));
        worker0 = process.workerIds().get(0);
        worker1 = process.workerIds().get(1);
        connection = Nats.connect(nats.url());
        client = new ControlClient(connection, Patience.WAIT);
        redisClient = RedisClient.create(redis.url());
        redisConnection = redisClient.connect();
    }

    @AfterAll
    static void stopWorker() throws Exception {
        if (process != null) {
            process.close();
        }
        if (connection != null) {
            connection.close();
        }
        if (redisClient != null) {
            redisConnection.close();
            redisClient.shutdown();
        }
        if (redis != null) {
            redis.close();
        }
        if (nats != null) {
            nats.close();
        }
    }

    static WorkerCreateRouterRequest opusAndVp8(String roomId) {
        return WorkerCreateRouterRequest.newBuilder()
                .addMediaCodecs(RtpCodecCapability.newBuilder()
                        .setKind(MediaKind.AUDIO).setMimeType("audio/opus").setClockRate(48000).setChannels(2))
                .addMediaCodecs(RtpCodecCapability.newBuilder()
                        .setKind(MediaKind.VIDEO).setMimeType("video/VP8").setClockRate(90000))
                .setRoomId(roomId)
                .setAppData(AppData.newBuilder().putEntries("owner", "test"))
                .build();
    }

    @Test
    void workerIdsArePrefixAndLoopIndex() {
        assertThat(process.workerIds()).hasSize(2);
        assertThat(worker0).endsWith("-0");
        assertThat(worker1).endsWith("-1").startsWith(process.config().workerIdPrefix());
    }

    @Test
    void discoveryPingAnswersOncePerWorkerLoop() {
        List<PingResponse> pings = new Discovery(connection, 1000, 10).ping(ControlService.SERVICE_NAME);

        assertThat(pings).hasSize(2);
        assertThat(pings).extracting(p -> p.getMetadata().get("worker_id")).containsExactlyInAnyOrder(worker0, worker1);
        assertThat(pings).allSatisfy(p -> {
            assertThat(p.getMetadata()).containsEntry("announced_ip", "127.0.0.1").containsKey("host");
            assertThat(p.getVersion()).isEqualTo(WorkerControl.VERSION);
        });
    }

    @Test
    void discoveryInfoListsTheEndpoints() {
        List<InfoResponse> infos = new Discovery(connection, 1000, 10).info(ControlService.SERVICE_NAME);

        assertThat(infos).hasSize(2);
        InfoResponse info = infos.stream().filter(i -> i.getMetadata().get("worker_id").equals(worker1))
                .findFirst().orElseThrow();
        assertThat(info.getEndpoints()).extracting(Endpoint::getName).containsExactlyInAnyOrderElementsOf(ENDPOINTS);
        assertThat(info.getEndpoints()).extracting(Endpoint::getSubject)
                .contains("sluice." + worker1 + ".worker.createRouter", "sluice." + worker1 + ".router.close");
    }

    @Test
    void malformedProtobufIsInvalidArgument() throws Exception {
        ControlClient.Reply reply = client.call(worker0, "router.dump", new byte[] {0x0a, 0x05, 'a'}, null);

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(reply.error().getMessage()).startsWith("malformed RouterDumpRequest");
    }

    @Test
    void missingFieldsAreInvalidArgument() throws Exception {
        ControlClient.Reply noRouter = client.call(worker0, "router.close", RouterCloseRequest.getDefaultInstance());
        ControlClient.Reply noCodecs = client.call(worker1, "worker.createRouter",
                WorkerCreateRouterRequest.newBuilder().setRoomId("room").build());

        assertThat(noRouter.status()).isEqualTo(400);
        assertThat(noRouter.error().getField()).isEqualTo("router_id");
        assertThat(noCodecs.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(noCodecs.error().getField()).isEqualTo("media_codecs");
    }

    @Test
    void unknownRouterIsNotFound() throws Exception {
        String unknown = UUID.randomUUID().toString();
        List<ControlClient.Reply> replies = List.of(
                client.call(worker0, "router.close", RouterCloseRequest.newBuilder().setRouterId(unknown).build()),
                client.call(worker0, "router.dump", RouterDumpRequest.newBuilder().setRouterId(unknown).build()),
                client.call(worker1, "router.getRtpCapabilities",
                        RouterGetRtpCapabilitiesRequest.newBuilder().setRouterId(unknown).build()));

        assertThat(replies).allSatisfy(reply -> {
            assertThat(reply.status()).isEqualTo(404);
            assertThat(reply.code()).isEqualTo(ErrorCode.NOT_FOUND);
            assertThat(reply.error().getMessage()).contains(unknown);
        });
    }

    @Test
    void workerDumpAndResourceUsage() throws Exception {
        WorkerDumpResponse dump = client.call(worker1, "worker.dump", WorkerDumpRequest.getDefaultInstance())
                .as(WorkerDumpResponse.parser());
        WorkerGetResourceUsageResponse usage = client.call(worker1, "worker.getResourceUsage",
                WorkerGetResourceUsageRequest.getDefaultInstance()).as(WorkerGetResourceUsageResponse.parser());

        assertThat(dump.getWorkerId()).isEqualTo(worker1);
        assertThat(dump.getPid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(dump.getVersion()).isEqualTo(WorkerControl.VERSION);
        assertThat(dump.getStartedAtMs()).isPositive().isLessThanOrEqualTo(System.currentTimeMillis());
        assertThat(dump.getHost()).isNotEmpty();
        assertThat(usage.getHeapUsedBytes()).isPositive();
        assertThat(usage.getHeapMaxBytes()).isGreaterThanOrEqualTo(usage.getHeapUsedBytes());
        assertThat(usage.getProcessCpuTimeMs()).isPositive();
        assertThat(usage.getUptimeMs()).isNotNegative();
        assertThat(usage.getLoopUtilization()).isBetween(0.0, 1.0);
    }

    @Test
    void statsCountRepliedErrorsPerEndpoint() throws Exception {
        client.call(worker0, "router.getRtpCapabilities",
                RouterGetRtpCapabilitiesRequest.newBuilder().setRouterId("nope").build());

        StatsResponse stats = new Discovery(connection, 1000, 10).stats(ControlService.SERVICE_NAME).stream()
                .filter(s -> s.getMetadata().get("worker_id").equals(worker0)).findFirst().orElseThrow();
        EndpointStats endpoint = stats.getEndpointStatsList().stream()
                .filter(e -> e.getName().equals("router_getRtpCapabilities")).findFirst().orElseThrow();
        assertThat(endpoint.getNumRequests()).isPositive();
        assertThat(endpoint.getDataAsJson()).contains("\"errors\":").doesNotContain("\"errors\":0");
    }

    @Test
    void heartbeatsArriveEverySecondWithTheLoad() throws Exception {
        Subscription subscription = connection.subscribe(HeartbeatPublisher.subject(worker0));
        connection.flush(Patience.WAIT);
        Heartbeat first = Heartbeat.parseFrom(subscription.nextMessage(Patience.WAIT).getData());
        Heartbeat second = Heartbeat.parseFrom(subscription.nextMessage(Patience.WAIT).getData());
        subscription.unsubscribe();

        assertThat(first.getWorkerId()).isEqualTo(worker0);
        assertThat(second.getSeq()).isEqualTo(first.getSeq() + 1);
        assertThat(second.getTimestampMs()).isGreaterThan(first.getTimestampMs());
        assertThat(second.getAnnouncedIp()).isEqualTo("127.0.0.1");
        assertThat(second.getLoad().getLoopUtilization()).isBetween(0.0, 1.0);
        assertThat(second.getLoad().getLoopCpuTimeMs()).isNotNegative();
    }

    @Test
    void registryEntryHoldsTheProtocolFieldsUnderAFiveSecondLease() {
        String key = WorkerLease.key(worker1);
        await().atMost(Patience.WAIT).until(() -> redisConnection.sync().exists(key) == 1);

        Map<String, String> entry = redisConnection.sync().hgetall(key);
        assertThat(entry).containsKeys("id", "host", "announced_ip", "pid", "started_at_ms", "updated_at_ms",
                "routers", "transports", "producers", "consumers", "loop_utilization");
        assertThat(entry).containsEntry("id", worker1)
                .containsEntry("announced_ip", "127.0.0.1")
                .containsEntry("pid", Long.toString(ProcessHandle.current().pid()));
        assertThat(redisConnection.sync().pttl(key)).isBetween(1L, WorkerLease.TTL_MS);
    }

    @Test
    void aLoopThatDoesNotAnswerWithinFiveSecondsIsUnavailable() throws Exception {
        Worker worker = process.workers().get(1);
        CountDownLatch release = new CountDownLatch(1);
        worker.loop().execute(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            long start = System.nanoTime();
            ControlClient.Reply reply = client.call(worker1, "worker.dump", WorkerDumpRequest.getDefaultInstance());

            assertThat(reply.status()).isEqualTo(503);
            assertThat(reply.code()).isEqualTo(ErrorCode.UNAVAILABLE);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(4900));
        } finally {
            release.countDown();
        }
        assertThat(client.call(worker1, "worker.dump", WorkerDumpRequest.getDefaultInstance())
                .as(WorkerDumpResponse.parser()).getWorkerId()).isEqualTo(worker1);
    }

    @Test
    void createRouterReturnsAnIdAndTheRouterCapabilities() throws Exception {
        WorkerCreateRouterResponse created = client.call(worker0, "worker.createRouter", opusAndVp8("room-a"))
                .as(WorkerCreateRouterResponse.parser());

        assertThat(UUID.fromString(created.getRouterId())).isNotNull();
        assertThat(created.getRtpCapabilities().getCodecsList()).extracting(RtpCodecCapability::getMimeType)
                .contains("audio/opus", "video/VP8");
        assertThat(created.getRtpCapabilities().getCodecsList()).allSatisfy(
                codec -> assertThat(codec.hasPreferredPayloadType()).isTrue());

        RouterDumpResponse dump = client.call(worker0, "router.dump",
                RouterDumpRequest.newBuilder().setRouterId(created.getRouterId()).build()).as(RouterDumpResponse.parser());
        assertThat(dump.getRoomId()).isEqualTo("room-a");
        assertThat(dump.getAppData().getEntriesMap()).containsEntry("owner", "test");
        assertThat(dump.getRtpCapabilities()).isEqualTo(created.getRtpCapabilities());
        RouterGetRtpCapabilitiesResponse capabilities = client.call(worker0, "router.getRtpCapabilities",
                        RouterGetRtpCapabilitiesRequest.newBuilder().setRouterId(created.getRouterId()).build())
                .as(RouterGetRtpCapabilitiesResponse.parser());
        assertThat(capabilities.getRtpCapabilities()).isEqualTo(created.getRtpCapabilities());
        WorkerDumpResponse workerDump = client.call(worker0, "worker.dump", WorkerDumpRequest.getDefaultInstance())
                .as(WorkerDumpResponse.parser());
        assertThat(workerDump.getRouterIdsList()).contains(created.getRouterId());
        ControlClient.Reply elsewhere = client.call(worker1, "router.dump",
                RouterDumpRequest.newBuilder().setRouterId(created.getRouterId()).build());
        assertThat(elsewhere.code()).isEqualTo(ErrorCode.NOT_FOUND);
    }

    @Test
    void anUnsupportedCodecIsUnsupportedAndCreatesNothing() throws Exception {
        int routersBefore = client.call(worker0, "worker.dump", WorkerDumpRequest.getDefaultInstance())
                .as(WorkerDumpResponse.parser()).getRouterIdsCount();
        ControlClient.Reply reply = client.call(worker0, "worker.createRouter", WorkerCreateRouterRequest.newBuilder()
                .addMediaCodecs(RtpCodecCapability.newBuilder()
                        .setKind(MediaKind.VIDEO).setMimeType("video/FOO").setClockRate(90000))
                .build());

        assertThat(reply.status()).isEqualTo(415);
        assertThat(reply.code()).isEqualTo(ErrorCode.UNSUPPORTED);
        assertThat(client.call(worker0, "worker.dump", WorkerDumpRequest.getDefaultInstance())
                .as(WorkerDumpResponse.parser()).getRouterIdsCount()).isEqualTo(routersBefore);
    }

    @Test
    void anIdempotencyKeyReturnsTheSameRouter() throws Exception {
        String key = UUID.randomUUID().toString();
        WorkerCreateRouterResponse first = client.callWithKey(worker1, "worker.createRouter", opusAndVp8("room-b"), key)
                .as(WorkerCreateRouterResponse.parser());
        WorkerCreateRouterResponse again = client.callWithKey(worker1, "worker.createRouter", opusAndVp8("room-b"), key)
                .as(WorkerCreateRouterResponse.parser());
        WorkerCreateRouterResponse withoutKey = client.call(worker1, "worker.createRouter", opusAndVp8("room-b"))
                .as(WorkerCreateRouterResponse.parser());

        assertThat(again).isEqualTo(first);
        assertThat(withoutKey.getRouterId()).isNotEqualTo(first.getRouterId());
        assertThat(client.call(worker1, "worker.dump", WorkerDumpRequest.getDefaultInstance())
                .as(WorkerDumpResponse.parser()).getRouterIdsList())
                .containsOnlyOnce(first.getRouterId());
    }

    @Test
    void anIdempotencyKeyReusedWithAnotherBodyIsAlreadyExists() throws Exception {
        String key = UUID.randomUUID().toString();
        client.callWithKey(worker1, "worker.createRouter", opusAndVp8("room-c"), key).as(WorkerCreateRouterResponse.parser());

        ControlClient.Reply conflict = client.callWithKey(worker1, "worker.createRouter", opusAndVp8("room-d"), key);

        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.code()).isEqualTo(ErrorCode.ALREADY_EXISTS);
    }

    @Test
    void routerClosePublishesTheClosedEventWithTheNextSeq() throws Exception {
        String routerId = client.call(worker0, "worker.createRouter", opusAndVp8("room-e"))
                .as(WorkerCreateRouterResponse.parser()).getRouterId();
        Subscription events = connection.subscribe("sluice.event." + routerId + ".>");
        connection.flush(Patience.WAIT);

        client.call(worker0, "router.close", RouterCloseRequest.newBuilder().setRouterId(routerId).build());
        io.nats.client.Message message = events.nextMessage(Patience.WAIT);
        Event event = Event.parseFrom(message.getData());

        assertThat(message.getSubject()).isEqualTo("sluice.event." + routerId + ".router." + routerId + ".closed");
        assertThat(event.getWorkerId()).isEqualTo(worker0);
        assertThat(event.getRouterId()).isEqualTo(routerId);
        assertThat(event.getSeq()).isPositive();
        assertThat(event.getTimestampMs()).isPositive();
        assertThat(event.getRouterClosed().getReason()).isEqualTo(RouterClosed.Reason.REQUESTED);
        assertThat(client.call(worker0, "router.close", RouterCloseRequest.newBuilder().setRouterId(routerId).build())
                .code()).isEqualTo(ErrorCode.NOT_FOUND);

        String next = client.call(worker0, "worker.createRouter", opusAndVp8("room-e"))
                .as(WorkerCreateRouterResponse.parser()).getRouterId();
        Subscription nextEvents = connection.subscribe("sluice.event." + next + ".>");
        connection.flush(Patience.WAIT);
        client.call(worker0, "router.close", RouterCloseRequest.newBuilder().setRouterId(next).build());
        Event following = Event.parseFrom(nextEvents.nextMessage(Patience.WAIT).getData());
        assertThat(following.getSeq()).isEqualTo(event.getSeq() + 1);
    }
}
