package io.sluice.orchestrator.signaling;

import static io.sluice.orchestrator.signaling.SignalingTestClient.data;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.api.sync.RedisCommands;
import io.sluice.orchestrator.placement.RoomAssignment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker process dies under a room (SIGKILL, real processes): the stub finds it dead, sweeps its
 * Redis entries, tells every peer of the room to {@code reconnect}, and the room's next join lands
 * on the other worker process. A process restarted under the dead one's WORKER_ID never makes the
 * dead one's mappings live again. The recovery times are printed (docs/benchmarks.md "Recovery").
 */
class WorkerFailoverTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String ROOM = "failover-room";

    @TempDir
    Path logs;

    private RecoveryStack stack;

    @BeforeEach
    void start() throws Exception {
        stack = RecoveryStack.start(logs, 2);
    }

    @AfterEach
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aKilledWorkerIsFoundDeadSweptAndEveryPeerOfItsRoomMovesToTheOtherWorker() throws Exception {
        try (SignalingTestClient alice = new SignalingTestClient(stack.port());
                SignalingTestClient bob = new SignalingTestClient(stack.port())) {
            List<String> transportIds = List.of(
                    joinWithTransport(alice, "alice", "send"), joinWithTransport(bob, "bob", "recv"));
            RoomAssignment first = stack.assignment(ROOM).orElseThrow();
            String deadWorker = first.workerId();
            RedisCommands<String, String> redis = stack.redis().sync();
            assertThat(redis.smembers("sluice:worker:" + deadWorker + ":transports"))
                    .containsExactlyInAnyOrderElementsOf(transportIds);

            long killedAt = System.nanoTime();
            stack.worker(RecoveryStack.indexOf(deadWorker)).kill();

            JsonNode aliceMoved = alice.awaitNotification("reconnect");
            long notifiedMs = (System.nanoTime() - killedAt) / 1_000_000;
            assertThat(bob.awaitNotification("reconnect").path("reason").asText()).isEqualTo("workerDied");
            assertThat(aliceMoved.path("reason").asText()).isEqualTo("workerDied");
            assertThat(aliceMoved.path("roomId").asText()).isEqualTo(ROOM);
            long detectedMs = (stack.disappearedAt(deadWorker).orElseThrow() - killedAt) / 1_000_000;
            await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> redis.exists(
                    "sluice:transport:" + transportIds.get(0), "sluice:transport:" + transportIds.get(1),
                    "sluice:worker:" + deadWorker + ":transports", "sluice:worker:" + deadWorker) == 0);
            long sweptMs = (System.nanoTime() - killedAt) / 1_000_000;
            assertThat(redis.smembers("sluice:user:" + ROOM + ":alice:transports")).isEmpty();
            System.out.printf("worker SIGKILL: %d ms to detection, %d ms to the peers' reconnect notification, "
                    + "%d ms to its Redis entries swept (lease, mappings)%n", detectedMs, notifiedMs, sweptMs);

            // The room moves whole: both peers join again and land on the other worker's new router.
            assertThat(alice.ok("join", data("roomId", ROOM, "token",
                    SignalingStack.token("alice", ROOM, "audio", "video"))).path("producers")).isEmpty();
            bob.ok("join", data("roomId", ROOM, "token", SignalingStack.token("bob", ROOM)));
            String moved = alice.ok("createWebRtcTransport", data("direction", "send")).path("id").asText();
            RoomAssignment second = stack.assignment(ROOM).orElseThrow();
            assertThat(second.workerId()).isNotEqualTo(deadWorker);
            assertThat(second.routerId()).isNotEqualTo(first.routerId());
            assertThat(redis.hget("sluice:room:" + ROOM, "worker_id")).isEqualTo(second.workerId());
            assertThat(redis.hget("sluice:transport:" + moved, "worker_id")).isEqualTo(second.workerId());
        }
    }

    @Test
    void aWorkerRestartedUnderItsIdNeverRevivesTheDeadProcesssEntries() throws Exception {
        try (SignalingTestClient alice = new SignalingTestClient(stack.port())) {
            String transportId = joinWithTransport(alice, "alice", "send");
            String workerId = stack.assignment(ROOM).orElseThrow().workerId();
            RedisCommands<String, String> redis = stack.redis().sync();
            String deadInstance = redis.hget("sluice:worker:" + workerId, "instance_id");
            assertThat(redis.hget("sluice:transport:" + transportId, "instance_id")).isEqualTo(deadInstance);

            int index = RecoveryStack.indexOf(workerId);
            stack.worker(index).kill();
            stack.restart(index);

            assertThat(alice.awaitNotification("reconnect").path("reason").asText()).isEqualTo("workerDied");
            await().atMost(WAIT).until(() -> {
                String instance = redis.hget("sluice:worker:" + workerId, "instance_id");
                return instance != null && !instance.equals(deadInstance);
            });
            await().atMost(WAIT).until(() -> redis.exists("sluice:transport:" + transportId) == 0);
            assertThat(redis.smembers("sluice:worker:" + workerId + ":transports")).doesNotContain(transportId);
            stack.awaitLive(index);
            assertThat(stack.live(workerId).orElseThrow().instanceId()).isNotEqualTo(deadInstance);
        }
    }

    /** Joins the room and creates one transport; answers its id. */
    private String joinWithTransport(SignalingTestClient client, String userId, String direction) throws Exception {
        String[] permissions = direction.equals("send") ? new String[] {"audio", "video"} : new String[0];
        client.ok("join", data("roomId", ROOM, "token", SignalingStack.token(userId, ROOM, permissions)));
        return client.ok("createWebRtcTransport", data("direction", direction)).path("id").asText();
    }
}
