package io.sluice.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.api.StatefulRedisConnection;
import io.nats.client.Connection;
import io.sluice.api.v1.ErrorCode;
import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.RouterClosed;
import io.sluice.api.v1.RtpCodecCapability;
import io.sluice.api.v1.WorkerDumpResponse;
import io.sluice.api.v1.WorkerGetResourceUsageResponse;
import io.sluice.orchestrator.client.RouterClient;
import io.sluice.orchestrator.client.SluiceEventSubscriber;
import io.sluice.orchestrator.client.SluiceRequestException;
import io.sluice.orchestrator.client.SluiceRequester;
import io.sluice.orchestrator.client.WorkerClient;
import io.sluice.orchestrator.discovery.WorkerDirectory;
import io.sluice.orchestrator.discovery.WorkerInfo;
import io.sluice.orchestrator.discovery.WorkerInfo.Source;
import io.sluice.orchestrator.placement.InMemoryRoomAssignments;
import io.sluice.orchestrator.placement.RoomPlacement;
import io.sluice.orchestrator.testsupport.MessagingServers;
import io.sluice.worker.WorkerProcess;
import io.sluice.worker.config.WorkerConfig;
import io.sluice.worker.testsupport.Patience;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The orchestrator stub against a real in-process WorkerProcess with three loops, on a real
 * nats-server and redis-server.
 */
class AgainstWorkerProcessTest {

    private static final List<RtpCodecCapability> MEDIA_CODECS = List.of(
            RtpCodecCapability.newBuilder().setKind(MediaKind.AUDIO).setMimeType("audio/opus").setClockRate(48000)
                    .setChannels(2).build(),
            RtpCodecCapability.newBuilder().setKind(MediaKind.VIDEO).setMimeType("video/VP8").setClockRate(90000)
                    .build());
    private static final Duration WAIT = Patience.WAIT;

    private static MessagingServers servers;
    private static Connection nats;
    private static StatefulRedisConnection<String, String> redis;

    private WorkerProcess workerProcess;
    private SluiceRequester requester;
    private WorkerDirectory directory;
    private SluiceEventSubscriber events;
    private final List<String> seen = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startServers() throws Exception {
        servers = MessagingServers.start();
        nats = servers.nats();
        redis = servers.redis();
    }

    @AfterAll
    static void stopServers() throws Exception {
        if (servers != null) {
            servers.close();
        }
    }

    @BeforeEach
    void startWorkerAndOrchestrator() throws Exception {
        redis.sync().flushall();
        workerProcess = WorkerProcess.start(new WorkerConfig(servers.natsServer().url(), servers.redisServer().url(),
                "it", 3, "127.0.0.1", "127.0.0.1", 40000, 40999, "info"));
        requester = new SluiceRequester(nats, Duration.ofSeconds(30));
        directory = new WorkerDirectory(nats, redis, InstantSource.system());
        directory.addListener(new WorkerDirectory.Listener() {
            @Override
            public void onWorkerAppeared(WorkerInfo worker) {
                seen.add("appeared " + worker.workerId());
            }

            @Override
            public void onWorkerDisappeared(WorkerInfo lastKnown) {
                seen.add("disappeared " + lastKnown.workerId());
            }
        });
        events = new SluiceEventSubscriber(nats);
        events.addRouterListener((workerId, routerId, reason) -> seen.add("closed " + routerId + " " + reason));
        events.followAllRouters();
        directory.start();
    }

    @AfterEach
    void stop() {
        events.close();
        directory.close();
        workerProcess.close();
    }

    @Test
    void discoveryFindsEveryWorkerLoopThroughAllThreeSources() {
        List<String> ids = workerProcess.workerIds();
        assertThat(ids).containsExactly("it-0", "it-1", "it-2");

        await().atMost(WAIT).until(() -> directory.liveWorkers().size() == 3 && directory.liveWorkers().stream()
                .allMatch(worker -> worker.seenBy().equals(Set.of(Source.REGISTRY, Source.SERVICE, Source.HEARTBEAT))));

        assertThat(directory.liveWorkers()).extracting(WorkerInfo::workerId).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(directory.liveWorkers()).allSatisfy(worker -> {
            assertThat(worker.announcedIp()).isEqualTo("127.0.0.1");
            assertThat(worker.pid()).isEqualTo(ProcessHandle.current().pid());
            assertThat(worker.host()).isNotEmpty();
        });
        assertThat(seen).containsExactlyInAnyOrder("appeared it-0", "appeared it-1", "appeared it-2");
    }

    @Test
    void workersOfAClosedProcessDisappear() {
        await().atMost(WAIT).until(() -> directory.liveWorkers().size() == 3);

        workerProcess.close();

        await().atMost(WorkerDirectory.LEASE.plus(WAIT)).until(() -> directory.liveWorkers().isEmpty());
        assertThat(seen).contains("disappeared it-0", "disappeared it-1", "disappeared it-2");
    }

    @Test
    void dumpAndResourceUsageAnswerForEachWorker() throws Exception {
        for (String workerId : workerProcess.workerIds()) {
            WorkerClient worker = new WorkerClient(requester, workerId);
            WorkerDumpResponse dump = worker.dump().get(30, TimeUnit.SECONDS);
            WorkerGetResourceUsageResponse usage = worker.getResourceUsage().get(30, TimeUnit.SECONDS);

            assertThat(dump.getWorkerId()).isEqualTo(workerId);
            assertThat(dump.getPid()).isEqualTo(ProcessHandle.current().pid());
            assertThat(dump.getRouterIdsList()).isEmpty();
            assertThat(usage.getHeapMaxBytes()).isPositive();
        }
    }

    @Test
    void anUnknownRouterIsNotFound() {
        RouterClient ghost = new WorkerClient(requester, "it-1").router("no-such-router");

        assertCode(ghost.dump(), ErrorCode.NOT_FOUND);
        assertCode(ghost.getRtpCapabilities(), ErrorCode.NOT_FOUND);
        assertCode(ghost.close(), ErrorCode.NOT_FOUND);
    }

    @Test
    void malformedRequestsAreInvalidArguments() {
        WorkerClient worker = new WorkerClient(requester, "it-0");

        assertCode(worker.createRouter(List.of(), "room1", null), ErrorCode.INVALID_ARGUMENT);
        assertCode(worker.router("").dump(), ErrorCode.INVALID_ARGUMENT);
        assertCode(worker.createRouter(MEDIA_CODECS, "room1", "k".repeat(10_000)), ErrorCode.INVALID_ARGUMENT);
    }

    @Test
    void anUnknownWorkerIsUnavailable() {
        assertCode(new WorkerClient(requester, "nobody-0").dump(), ErrorCode.UNAVAILABLE);
    }

    @Test
    void createRouterWithTheSameIdempotencyKeyReturnsTheSameRouter() throws Exception {
        WorkerClient worker = new WorkerClient(requester, "it-0");

        RouterClient first = worker.createRouter(MEDIA_CODECS, "room1", "key-1").get(30, TimeUnit.SECONDS);
        RouterClient again = worker.createRouter(MEDIA_CODECS, "room1", "key-1").get(30, TimeUnit.SECONDS);
        RouterClient other = worker.createRouter(MEDIA_CODECS, "room1", "key-2").get(30, TimeUnit.SECONDS);

        assertThat(again.id()).isEqualTo(first.id());
        assertThat(other.id()).isNotEqualTo(first.id());
        assertThat(first.createdRtpCapabilities()).hasValueSatisfying(
                capabilities -> assertThat(capabilities.getCodecsCount()).isGreaterThanOrEqualTo(2));
        assertThat(worker.dump().get(30, TimeUnit.SECONDS).getRouterIdsList())
                .containsExactlyInAnyOrder(first.id(), other.id());
        assertCode(worker.createRouter(MEDIA_CODECS, "another-room", "key-1"), ErrorCode.ALREADY_EXISTS);
    }

    @Test
    void aClosedRouterReachesTheRouterListenerAndIsGone() throws Exception {
        RouterClient router = new WorkerClient(requester, "it-2").createRouter(MEDIA_CODECS, "room1", null)
                .get(30, TimeUnit.SECONDS);
        assertThat(router.getRtpCapabilities().get(30, TimeUnit.SECONDS))
                .isEqualTo(router.createdRtpCapabilities().orElseThrow());
        assertThat(router.dump().get(30, TimeUnit.SECONDS).getRoomId()).isEqualTo("room1");

        router.close().get(30, TimeUnit.SECONDS);

        await().atMost(WAIT).until(() -> seen.contains("closed " + router.id() + " " + RouterClosed.Reason.REQUESTED));
        assertCode(router.dump(), ErrorCode.NOT_FOUND);
    }

    @Test
    void placementPutsEachNewRoomOnTheLeastLoadedWorker() throws Exception {
        RoomPlacement placement = new RoomPlacement(directory, requester, new InMemoryRoomAssignments(), MEDIA_CODECS);
        events.addRouterListener(placement);
        await().atMost(WAIT).until(() -> directory.liveWorkers().size() == 3);

        RouterClient room1 = placement.placeRoom("room1").get(30, TimeUnit.SECONDS);
        RouterClient room2 = placement.placeRoom("room2").get(30, TimeUnit.SECONDS);
        RouterClient room3 = placement.placeRoom("room3").get(30, TimeUnit.SECONDS);
        RouterClient room1Again = placement.placeRoom("room1").get(30, TimeUnit.SECONDS);

        assertThat(Set.of(room1.workerId(), room2.workerId(), room3.workerId())).hasSize(3);
        assertThat(room1Again.id()).isEqualTo(room1.id());
        // Once the heartbeats carry the routers, a fourth room still goes to a worker with one.
        await().atMost(WAIT).until(() -> directory.liveWorkers().stream()
                .allMatch(worker -> worker.load().getRouters() == 1));
        RouterClient room4 = placement.placeRoom("room4").get(30, TimeUnit.SECONDS);
        assertThat(new WorkerClient(requester, room4.workerId()).dump().get(30, TimeUnit.SECONDS).getRouterIdsCount())
                .isEqualTo(2);
    }

    private static void assertCode(CompletableFuture<?> request, ErrorCode code) {
        assertThatThrownBy(() -> request.get(30, TimeUnit.SECONDS))
                .cause().isInstanceOfSatisfying(SluiceRequestException.class, e -> assertThat(e.code()).isEqualTo(code));
    }
}
