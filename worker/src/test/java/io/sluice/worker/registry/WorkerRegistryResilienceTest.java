package io.sluice.worker.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Subscription;
import io.sluice.api.v1.WorkerDumpRequest;
import io.sluice.api.v1.WorkerDumpResponse;
import io.sluice.worker.WorkerProcess;
import io.sluice.worker.config.WorkerConfig;
import io.sluice.worker.control.HeartbeatPublisher;
import io.sluice.worker.testsupport.NatsServerProcess;
import io.sluice.worker.testsupport.Patience;
import io.sluice.worker.testsupport.RedisServerProcess;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The worker's lease in a real redis-server that dies and comes back, and its clean removal. */
class WorkerRegistryResilienceTest {

    private static final Duration WAIT = Patience.WAIT;

    private NatsServerProcess nats;
    private RedisServerProcess redis;
    private WorkerProcess process;
    private Connection connection;

    @BeforeEach
    void startServers() throws Exception {
        nats = NatsServerProcess.start();
        redis = RedisServerProcess.start();
        connection = Nats.connect(nats.url());
    }

    @AfterEach
    void stopServers() throws Exception {
        if (process != null) {
            process.close();
        }
        connection.close();
        redis.close();
        nats.close();
    }

    private WorkerProcess startWorker() throws Exception {
        return WorkerProcess.start(WorkerConfig.fromEnvironment(Map.of(
                "NATS_URL", nats.url(), "REDIS_URL", redis.url(), "WORKERS", "1",
                "WORKER_ID", "reg-" + UUID.randomUUID().toString().substring(0, 8))));
    }

    private String dump(String workerId) throws Exception {
        io.nats.client.Message reply = connection.request("sluice." + workerId + ".worker.dump",
                WorkerDumpRequest.getDefaultInstance().toByteArray(), Duration.ofSeconds(30));
        assertThat(reply).isNotNull();
        return WorkerDumpResponse.parseFrom(reply.getData()).getWorkerId();
    }

    /** Waits for {@code count} heartbeats of the worker; each beat also writes its lease to Redis. */
    private void awaitHeartbeats(String workerId, int count) throws Exception {
        Subscription subscription = connection.subscribe(HeartbeatPublisher.subject(workerId));
        connection.flush(WAIT);
        for (int i = 1; i <= count; i++) {
            assertThat(subscription.nextMessage(WAIT)).as("heartbeat %d", i).isNotNull();
        }
        subscription.unsubscribe();
    }

    private static boolean exists(RedisServerProcess redis, String key) {
        RedisClient client = RedisClient.create(redis.url());
        try (StatefulRedisConnection<String, String> redisConnection = client.connect()) {
            return redisConnection.sync().exists(key) == 1;
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }

    @Test
    void theEntryComesBackAfterRedisRestartsAndControlNeverStops() throws Exception {
        process = startWorker();
        String workerId = process.workerIds().getFirst();
        String key = WorkerLease.key(workerId);
        await().atMost(WAIT).until(() -> exists(redis, key));

        redis.kill();
        assertThat(dump(workerId)).isEqualTo(workerId);
        // Heartbeats, each with its failing lease write, go on while Redis is away; control still answers.
        awaitHeartbeats(workerId, 2);
        assertThat(dump(workerId)).isEqualTo(workerId);
        redis.startAgain();

        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> exists(redis, key));
    }

    @Test
    void redisDownAtStartDoesNotDelayServingAndTheEntryAppearsWhenRedisComes() throws Exception {
        redis.kill();
        process = startWorker();
        String workerId = process.workerIds().getFirst();

        // Started and serving while Redis is still away: nothing waited for it.
        assertThat(dump(workerId)).isEqualTo(workerId);
        redis.startAgain();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> exists(redis, WorkerLease.key(workerId)));
    }

    @Test
    void aCleanShutdownDeletesTheEntryAtOnce() throws Exception {
        process = startWorker();
        String key = WorkerLease.key(process.workerIds().getFirst());
        await().atMost(WAIT).until(() -> exists(redis, key));

        process.close();

        assertThat(exists(redis, key)).isFalse();
    }
}
