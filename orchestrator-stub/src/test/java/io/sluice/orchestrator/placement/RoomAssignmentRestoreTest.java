package io.sluice.orchestrator.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.api.StatefulRedisConnection;
import io.nats.client.Connection;
import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.RtpCodecCapability;
import io.sluice.orchestrator.client.RouterClient;
import io.sluice.orchestrator.client.SluiceEventSubscriber;
import io.sluice.orchestrator.client.SluiceRequester;
import io.sluice.orchestrator.client.WorkerClient;
import io.sluice.orchestrator.discovery.WorkerDirectory;
import io.sluice.orchestrator.testsupport.MessagingServers;
import io.sluice.worker.WorkerProcess;
import io.sluice.worker.config.WorkerConfig;
import io.sluice.worker.testsupport.Patience;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Room assignments in Redis against a real worker process: an orchestrator that restarts (a new
 * RoomPlacement with an empty memory) finds its rooms' routers again, two orchestrators placing one
 * room at once agree on one router, and stale entries are replaced.
 */
class RoomAssignmentRestoreTest {

    private static final List<RtpCodecCapability> OPUS = List.of(RtpCodecCapability.newBuilder()
            .setKind(MediaKind.AUDIO).setMimeType("audio/opus").setClockRate(48000).setChannels(2).build());
    private static final Duration WAIT = Patience.WAIT;

    private static MessagingServers servers;
    private static Connection nats;
    private static StatefulRedisConnection<String, String> redis;

    private WorkerProcess workerProcess;
    private SluiceRequester requester;
    private final List<AutoCloseable> orchestrators = new ArrayList<>();

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
    void startWorker() throws Exception {
        redis.sync().flushall();
        workerProcess = WorkerProcess.start(new WorkerConfig(servers.natsServer().url(), servers.redisServer().url(),
                "rs", 2, "127.0.0.1", "127.0.0.1", 41000, 41999, "info"));
        requester = new SluiceRequester(nats, Duration.ofSeconds(30));
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable orchestrator : orchestrators) {
            orchestrator.close();
        }
        orchestrators.clear();
        workerProcess.close();
    }

    /** One orchestrator's placement: its own directory, event subscription and (empty) memory. */
    private RoomPlacement orchestrator() {
        WorkerDirectory directory = new WorkerDirectory(nats, redis, InstantSource.system());
        SluiceEventSubscriber events = new SluiceEventSubscriber(nats);
        RoomPlacement placement = new RoomPlacement(directory, requester, new InMemoryRoomAssignments(),
                new RedisRoomAssignmentStore(redis, InstantSource.system()), OPUS);
        directory.addListener(placement);
        events.addRouterListener(placement);
        events.followAllRouters();
        directory.start();
        orchestrators.add(events);
        orchestrators.add(directory);
        await().atMost(WAIT).until(() -> directory.liveWorkers().size() == 2);
        return placement;
    }

    private int routersOnWorkers() throws Exception {
        int routers = 0;
        for (String workerId : workerProcess.workerIds()) {
            routers += new WorkerClient(requester, workerId).dump().get(30, TimeUnit.SECONDS).getRouterIdsCount();
        }
        return routers;
    }

    @Test
    void aRestartedOrchestratorFindsItsRoomsRouterInRedis() throws Exception {
        RouterClient placed = orchestrator().placeRoom("room-a").get(30, TimeUnit.SECONDS);
        assertThat(redis.sync().hgetall(RedisRoomAssignmentStore.roomKey("room-a")))
                .containsEntry("worker_id", placed.workerId())
                .containsEntry("router_id", placed.id())
                .containsKey("created_at_ms");

        RoomPlacement restarted = orchestrator();
        RouterClient found = restarted.placeRoom("room-a").get(30, TimeUnit.SECONDS);

        assertThat(found.id()).isEqualTo(placed.id());
        assertThat(found.workerId()).isEqualTo(placed.workerId());
        assertThat(restarted.assignment("room-a")).contains(new RoomAssignment("room-a", placed.workerId(), placed.id()));
        assertThat(routersOnWorkers()).as("no second router for the room").isEqualTo(1);
    }

    @Test
    void aClosedRoutersEntryIsReleasedAndAStaleOneReplaced() throws Exception {
        RoomPlacement placement = orchestrator();
        RouterClient first = placement.placeRoom("room-b").get(30, TimeUnit.SECONDS);

        first.close().get(30, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> redis.sync().exists(RedisRoomAssignmentStore.roomKey("room-b")) == 0);

        // An entry naming a router that no longer exists (its close was missed while no orchestrator ran).
        redis.sync().hset(RedisRoomAssignmentStore.roomKey("room-b"), java.util.Map.of(
                "worker_id", first.workerId(), "router_id", "gone-router", "created_at_ms", "1"));
        RouterClient second = orchestrator().placeRoom("room-b").get(30, TimeUnit.SECONDS);
        assertThat(second.id()).isNotEqualTo(first.id()).isNotEqualTo("gone-router");
        assertThat(redis.sync().hget(RedisRoomAssignmentStore.roomKey("room-b"), "router_id")).isEqualTo(second.id());

        // An entry naming a worker that is not live.
        redis.sync().hset(RedisRoomAssignmentStore.roomKey("room-c"), java.util.Map.of(
                "worker_id", "no-such-worker", "router_id", "r", "created_at_ms", "1"));
        RouterClient third = placement.placeRoom("room-c").get(30, TimeUnit.SECONDS);
        assertThat(third.workerId()).startsWith("rs-");
        assertThat(redis.sync().hget(RedisRoomAssignmentStore.roomKey("room-c"), "worker_id")).isEqualTo(third.workerId());
    }

    @Test
    void twoOrchestratorsPlacingOneRoomAtOnceAgreeOnOneRouter() throws Exception {
        RoomPlacement one = orchestrator();
        RoomPlacement two = orchestrator();

        CompletableFuture<RouterClient> fromOne = one.placeRoom("room-d");
        CompletableFuture<RouterClient> fromTwo = two.placeRoom("room-d");
        RouterClient a = fromOne.get(30, TimeUnit.SECONDS);
        RouterClient b = fromTwo.get(30, TimeUnit.SECONDS);

        assertThat(a.id()).isEqualTo(b.id());
        assertThat(redis.sync().hget(RedisRoomAssignmentStore.roomKey("room-d"), "router_id")).isEqualTo(a.id());
        // The loser's router, if both created one, is closed.
        await().atMost(WAIT).untilAsserted(() -> assertThat(routersOnWorkers()).isEqualTo(1));
    }
}
