package io.sluice.worker.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import io.sluice.api.v1.Event;
import io.sluice.api.v1.Heartbeat;
import io.sluice.api.v1.RouterClosed;
import io.sluice.api.v1.WorkerCreateRouterResponse;
import io.sluice.api.v1.WorkerDumpRequest;
import io.sluice.api.v1.WorkerDumpResponse;
import io.sluice.worker.WorkerProcess;
import io.sluice.worker.config.WorkerConfig;
import io.sluice.worker.testsupport.NatsServerProcess;
import io.sluice.worker.testsupport.Patience;
import io.sluice.worker.testsupport.RedisServerProcess;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A worker survives its nats-server dying and coming back, and closes its routers on shutdown. */
class NatsRestartTest {

    private NatsServerProcess nats;
    private RedisServerProcess redis;
    private WorkerProcess process;
    private Connection connection;

    @BeforeEach
    void start() throws Exception {
        nats = NatsServerProcess.start();
        redis = RedisServerProcess.start();
        process = WorkerProcess.start(WorkerConfig.fromEnvironment(Map.of(
                "NATS_URL", nats.url(), "REDIS_URL", redis.url(), "WORKERS", "1",
                "WORKER_ID", "nats-" + UUID.randomUUID().toString().substring(0, 8))));
        connection = Nats.connect(Options.builder().server(nats.url()).maxReconnects(-1)
                .reconnectWait(Duration.ofMillis(100)).errorListener(new ErrorListener() { }).build());
    }

    @AfterEach
    void stop() throws Exception {
        process.close();
        connection.close();
        redis.close();
        nats.close();
    }

    @Test
    void requestsSucceedAgainAfterNatsServerIsKilledAndRestarted() throws Exception {
        String workerId = process.workerIds().getFirst();
        // A call lost while NATS restarts is retried below; 15 s is room for an answer on a busy machine.
        ControlClient client = new ControlClient(connection, Duration.ofSeconds(15));
        assertThat(client.call(workerId, "worker.dump", WorkerDumpRequest.getDefaultInstance())
                .as(WorkerDumpResponse.parser()).getWorkerId()).isEqualTo(workerId);

        nats.kill();
        nats.startAgain();

        await().atMost(Patience.WAIT).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .untilAsserted(() -> assertThat(client.call(workerId, "worker.dump",
                        WorkerDumpRequest.getDefaultInstance()).as(WorkerDumpResponse.parser()).getWorkerId())
                        .isEqualTo(workerId));
        Subscription heartbeats = connection.subscribe(HeartbeatPublisher.subject(workerId));
        connection.flush(Patience.WAIT);
        assertThat(Heartbeat.parseFrom(heartbeats.nextMessage(Patience.WAIT).getData()).getWorkerId())
                .isEqualTo(workerId);
    }

    @Test
    @Timeout(180)
    void closesWhileNatsIsDownAndStillDeletesItsRegistryEntry() throws Exception {
        String key = io.sluice.worker.registry.WorkerLease.key(process.workerIds().getFirst());
        io.lettuce.core.RedisClient redisClient = io.lettuce.core.RedisClient.create(redis.url());
        try (var redisConnection = redisClient.connect()) {
            await().atMost(Patience.WAIT).until(() -> redisConnection.sync().exists(key) == 1);
            nats.kill();

            process.close();

            assertThat(redisConnection.sync().exists(key)).isZero();
        } finally {
            redisClient.shutdown();
            nats.startAgain();
        }
    }

    @Test
    void shutdownClosesEveryRouterWithWorkerClosed() throws Exception {
        String workerId = process.workerIds().getFirst();
        ControlClient client = new ControlClient(connection, Patience.WAIT);
        String routerId = client.call(workerId, "worker.createRouter", WorkerControlTest.opusAndVp8("room"))
                .as(WorkerCreateRouterResponse.parser()).getRouterId();
        Subscription events = connection.subscribe("sluice.event." + routerId + ".>");
        connection.flush(Patience.WAIT);

        process.close();

        Event event = Event.parseFrom(events.nextMessage(Patience.WAIT).getData());
        assertThat(event.getRouterClosed().getReason()).isEqualTo(RouterClosed.Reason.WORKER_CLOSED);
        assertThat(event.getWorkerId()).isEqualTo(workerId);
        assertThat(event.getSeq()).isEqualTo(1);
    }
}
