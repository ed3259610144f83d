package io.sluice.worker.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.sluice.worker.router.SluiceException;
import io.sluice.worker.testsupport.Patience;
import io.sluice.worker.testsupport.RedisServerProcess;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** TransportMappings against a real redis-server. */
class TransportMappingsTest {

    private static RedisServerProcess redisServer;
    private static RedisClient client;
    private static StatefulRedisConnection<String, String> connection;
    private static RedisCommands<String, String> redis;

    private TransportMappings mappings;

    @BeforeAll
    static void startRedis() {
        redisServer = RedisServerProcess.start();
        client = RedisClient.create(redisServer.url());
        connection = client.connect();
        redis = connection.sync();
    }

    @AfterAll
    static void stopRedis() {
        if (connection != null) {
            connection.close();
            client.shutdown();
        }
        if (redisServer != null) {
            redisServer.close();
        }
    }

    @BeforeEach
    void emptyRedis() {
        redis.flushall();
        mappings = new TransportMappings(connection);
    }

    @Test
    void putWritesTheTransportHashAndBothSets() throws Exception {
        result(mappings.put("t1", "w-0", "r1", "room1", "alice"));

        assertThat(redis.hgetall("sluice:transport:t1")).isEqualTo(Map.of(
                "worker_id", "w-0", "router_id", "r1", "room_id", "room1", "user_id", "alice"));
        assertThat(redis.smembers("sluice:user:room1:alice:transports")).containsExactly("t1");
        assertThat(redis.smembers("sluice:worker:w-0:transports")).containsExactly("t1");
        assertThat(result(mappings.find("t1"))).contains(new TransportMappings.Mapping("t1", "w-0", "r1", "room1", "alice"));
        assertThat(result(mappings.userTransports("room1", "alice"))).containsExactly("t1");
    }

    @Test
    void putOfAMappedTransportFailsAlreadyExistsAndChangesNothing() throws Exception {
        result(mappings.put("t1", "w-0", "r1", "room1", "alice"));

        CompletableFuture<Void> second = mappings.put("t1", "w-1", "r2", "room2", "bob");

        assertThatThrownBy(() -> second.get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(SluiceException.class,
                        e -> assertThat(e.code()).isEqualTo(SluiceException.Code.ALREADY_EXISTS));
        assertThat(redis.hget("sluice:transport:t1", "worker_id")).isEqualTo("w-0");
        assertThat(redis.exists("sluice:user:room2:bob:transports", "sluice:worker:w-1:transports")).isZero();
    }

    @Test
    void removeDeletesTheHashAndBothMemberships() throws Exception {
        result(mappings.put("t1", "w-0", "r1", "room1", "alice"));
        result(mappings.put("t2", "w-0", "r1", "room1", "alice"));

        assertThat(result(mappings.remove("t1"))).isTrue();

        assertThat(redis.exists("sluice:transport:t1")).isZero();
        assertThat(redis.smembers("sluice:user:room1:alice:transports")).containsExactly("t2");
        assertThat(redis.smembers("sluice:worker:w-0:transports")).containsExactly("t2");
        assertThat(result(mappings.find("t1"))).isEmpty();
    }

    @Test
    void idsWithColonsAreEncodedSoThatNoTwoRoomUserPairsShareAKey() throws Exception {
        // Unencoded, both were sluice:user:a:b:c:transports.
        result(mappings.put("t-ab-c", "w-0", "r1", "a:b", "c"));
        result(mappings.put("t-a-bc", "w-0", "r2", "a", "b:c"));
        result(mappings.put("t-pct", "gone-0", "r3", "a%3Ab", "c"));

        assertThat(redis.smembers("sluice:user:a%3Ab:c:transports")).containsExactly("t-ab-c");
        assertThat(redis.smembers("sluice:user:a:b%3Ac:transports")).containsExactly("t-a-bc");
        assertThat(redis.smembers("sluice:user:a%253Ab:c:transports")).containsExactly("t-pct");
        assertThat(result(mappings.userTransports("a:b", "c"))).containsExactly("t-ab-c");
        assertThat(result(mappings.userTransports("a", "b:c"))).containsExactly("t-a-bc");

        // The Lua scripts encode as the Java key builder does.
        assertThat(result(mappings.remove("t-ab-c"))).isTrue();
        assertThat(redis.exists("sluice:user:a%3Ab:c:transports")).isZero();
        assertThat(redis.smembers("sluice:user:a:b%3Ac:transports")).containsExactly("t-a-bc");
        redis.hset("sluice:worker:w-0", Map.of("id", "w-0"));
        redis.pexpire("sluice:worker:w-0", 60_000);
        assertThat(result(mappings.sweep())).isEqualTo(new TransportMappings.SweepResult(1, 1));
        assertThat(redis.exists("sluice:user:a%253Ab:c:transports")).isZero();
    }

    @Test
    void removeOfAnUnknownTransportIsFalse() throws Exception {
        assertThat(result(mappings.remove("nope"))).isFalse();
    }

    @Test
    void sweepRemovesTheEntriesOfACrashedWorkerAndKeepsTheLiveOnes() throws Exception {
        redis.hset("sluice:worker:live-0", Map.of("id", "live-0"));
        redis.pexpire("sluice:worker:live-0", 60_000);
        // The crashed worker held a lease like every worker; it lapses below, after the first sweep.
        redis.set("sluice:worker:crashed-0", "lease", SetArgs.Builder.px(60_000));
        result(mappings.put("t-live", "live-0", "r1", "room1", "alice"));
        result(mappings.put("t-dead1", "crashed-0", "r2", "room1", "alice"));
        result(mappings.put("t-dead2", "crashed-0", "r2", "room2", "bob"));

        TransportMappings.SweepResult beforeExpiry = result(mappings.sweep());
        assertThat(beforeExpiry).isEqualTo(new TransportMappings.SweepResult(0, 0));
        assertThat(redis.exists("sluice:transport:t-dead1", "sluice:transport:t-dead2")).isEqualTo(2);

        redis.pexpire("sluice:worker:crashed-0", 1);
        await().atMost(Patience.WAIT).until(() -> redis.exists("sluice:worker:crashed-0") == 0);
        TransportMappings.SweepResult swept = result(mappings.sweep());

        assertThat(swept).isEqualTo(new TransportMappings.SweepResult(1, 2));
        assertThat(redis.exists("sluice:transport:t-dead1", "sluice:transport:t-dead2",
                "sluice:worker:crashed-0:transports", "sluice:user:room2:bob:transports")).isZero();
        assertThat(redis.smembers("sluice:user:room1:alice:transports")).containsExactly("t-live");
        assertThat(redis.hget("sluice:transport:t-live", "worker_id")).isEqualTo("live-0");
        assertThat(redis.smembers("sluice:worker:live-0:transports")).containsExactly("t-live");
    }

    @Test
    void aWorkerRestartedUnderItsIdSweepsTheDeadProcesssEntriesAndKeepsItsOwn() throws Exception {
        result(new TransportMappings(connection, "old-process").put("t-old", "w-0", "r1", "room1", "alice"));
        // The new process of w-0 renews the lease as its own, then maps a transport.
        redis.hset("sluice:worker:w-0", Map.of("id", "w-0", "instance_id", "new-process"));
        redis.pexpire("sluice:worker:w-0", 60_000);
        result(new TransportMappings(connection, "new-process").put("t-new", "w-0", "r2", "room1", "alice"));
        assertThat(redis.hget("sluice:transport:t-new", "instance_id")).isEqualTo("new-process");

        TransportMappings.SweepResult swept = result(mappings.sweep());

        assertThat(swept).isEqualTo(new TransportMappings.SweepResult(1, 1));
        assertThat(redis.exists("sluice:transport:t-old")).isZero();
        assertThat(redis.smembers("sluice:user:room1:alice:transports")).containsExactly("t-new");
        assertThat(redis.smembers("sluice:worker:w-0:transports")).containsExactly("t-new");
        assertThat(result(mappings.sweep())).as("nothing more to sweep").isEqualTo(new TransportMappings.SweepResult(0, 0));
    }

    @Test
    void sweepWalksEveryScanPage() throws Exception {
        int workers = 600;
        for (int i = 0; i < workers; i++) {
            result(mappings.put("t" + i, "gone-" + i, "r" + i, "room", "user" + i));
        }

        assertThat(result(mappings.sweep())).isEqualTo(new TransportMappings.SweepResult(workers, workers));
        assertThat(redis.keys("sluice:*")).isEmpty();
    }

    @Test
    void workerIdOfAcceptsOnlyWorkerTransportSets() {
        assertThat(TransportMappings.workerIdOf("sluice:worker:eu1-7f3a-0:transports")).isEqualTo("eu1-7f3a-0");
        assertThat(TransportMappings.workerIdOf("sluice:worker:eu1-7f3a-0")).isNull();
        assertThat(TransportMappings.workerIdOf("sluice:worker::transports")).isNull();
        assertThat(TransportMappings.workerIdOf("sluice:worker:a:b:transports")).isNull();
        assertThat(TransportMappings.workerIdOf("sluice:user:room:alice:transports")).isNull();
    }

    private static <T> T result(CompletableFuture<T> future) throws Exception {
        return future.get(30, TimeUnit.SECONDS);
    }
}
