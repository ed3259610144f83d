package io.sluice.orchestrator.signaling;

import static io.sluice.orchestrator.signaling.SignalingTestClient.data;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.api.sync.RedisCommands;
import io.sluice.orchestrator.placement.RoomAssignment;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * redis-server restarts without persistence under a room (a real worker process, the stub in
 * process): the worker's lease and transport mapping and the stub's room key come back by
 * themselves. The time from the restart to each is printed (docs/benchmarks.md "Recovery").
 */
class RedisRestartTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String ROOM = "redis-restart-room";

    @TempDir
    Path logs;

    @Test
    void leasesMappingsAndRoomKeysComeBackAfterARedisRestart() throws Exception {
        try (RecoveryStack stack = RecoveryStack.start(logs, 1);
                SignalingTestClient alice = new SignalingTestClient(stack.port())) {
            alice.ok("join", data("roomId", ROOM, "token", SignalingStack.token("alice", ROOM, "audio", "video")));
            String transportId = alice.ok("createWebRtcTransport", data("direction", "send")).path("id").asText();
            RoomAssignment room = stack.assignment(ROOM).orElseThrow();
            RedisCommands<String, String> redis = stack.redis().sync();
            await().atMost(WAIT).until(() -> redis.exists("sluice:room:" + ROOM) == 1);

            stack.redisServer().stop();
            stack.redisServer().startAgain();
            long restartedAt = System.nanoTime();

            long[] backMs = new long[3];
            String[] keys = {"sluice:worker:" + room.workerId(), "sluice:transport:" + transportId, "sluice:room:" + ROOM};
            await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> {
                boolean all = true;
                for (int i = 0; i < keys.length; i++) {
                    if (backMs[i] == 0) {
                        try {
                            if (redis.exists(keys[i]) == 1) {
                                backMs[i] = Math.max(1, (System.nanoTime() - restartedAt) / 1_000_000);
                            }
                        } catch (RuntimeException redisStillAway) {
                            // the stub's connection reconnects on its own
                        }
                    }
                    all &= backMs[i] > 0;
                }
                return all;
            });
            await().atMost(WAIT).until(() -> room.routerId().equals(redis.hget("sluice:room:" + ROOM, "router_id"))
                    && room.workerId().equals(redis.hget("sluice:transport:" + transportId, "worker_id")));
            System.out.printf("redis-server restart: lease back after %d ms, transport mapping after %d ms, "
                    + "room key after %d ms%n", backMs[0], backMs[1], backMs[2]);
        }
    }
}
