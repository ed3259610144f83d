package io.sluice.orchestrator.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.sluice.api.bus.NatsSecurity;
import io.sluice.api.bus.TlsFiles;
import io.sluice.api.v1.Heartbeat;
import io.sluice.api.v1.WorkerLoad;
import io.sluice.worker.WorkerProcess;
import io.sluice.worker.config.WorkerConfig;
import io.sluice.worker.testsupport.NatsServerProcess;
import io.sluice.worker.testsupport.Patience;
import io.sluice.worker.testsupport.RedisServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * With the shipped nats-server configuration (compose/nats-server.conf), the stub's directory,
 * connected as the backend, lists the worker that holds worker credentials and never a worker
 * whose heartbeats come from a client without them (a monitor here): the server drops them.
 */
class UnauthorisedWorkerTest {

    @Test
    void heartbeatsOfAnUnauthorisedWorkerNeverReachTheDirectory() throws Exception {
        Map<String, String> passwords = Map.of("worker1", password(), "backend", password(), "monitor", password());
        List<String> appeared = new CopyOnWriteArrayList<>();
        try (NatsServerProcess natsServer = NatsServerProcess.withConfiguration(
                        Files.readString(Path.of("..", "compose", "nats-server.conf")), Map.of(
                                "SLUICE_NATS_WORKER1_PASSWORD", passwords.get("worker1"),
                                "SLUICE_NATS_BACKEND_PASSWORD", passwords.get("backend"),
                                "SLUICE_NATS_MONITOR_PASSWORD", passwords.get("monitor")));
                RedisServerProcess redisServer = RedisServerProcess.start();
                WorkerProcess worker = WorkerProcess.start(WorkerConfig.fromEnvironment(Map.of(
                        "NATS_URL", natsServer.url(), "NATS_USER", "worker1", "NATS_PASSWORD", passwords.get("worker1"),
                        "REDIS_URL", redisServer.url(), "WORKERS", "1", "WORKER_ID", "worker1",
                        "LISTEN_IP", "127.0.0.1", "RTC_MIN_PORT", "47100", "RTC_MAX_PORT", "47199")));
                Connection backend = Nats.connect(new NatsSecurity("", "", "backend", passwords.get("backend"), "",
                        TlsFiles.NONE, "_INBOX_backend").applyTo(Options.builder().server(natsServer.url())).build());
                Connection monitor = Nats.connect(Options.builder().server(natsServer.url())
                        .userInfo("monitor", passwords.get("monitor")).build())) {
            RedisClient redisClient = RedisClient.create(redisServer.url());
            try (StatefulRedisConnection<String, String> redis = redisClient.connect();
                    WorkerDirectory directory = new WorkerDirectory(backend, redis, InstantSource.system())) {
                directory.addListener(new WorkerDirectory.Listener() {
                    @Override
                    public void onWorkerAppeared(WorkerInfo info) {
                        appeared.add(info.workerId());
                    }

                    @Override
                    public void onWorkerDisappeared(WorkerInfo lastKnown) {
                    }
                });
                directory.start();
                String real = worker.workerIds().get(0);
                // Once the real worker's heartbeats arrive, the directory's subscription is live.
                await().atMost(Patience.WAIT).until(() -> directory.find(real)
                        .map(info -> info.seenBy().contains(WorkerInfo.Source.HEARTBEAT)).orElse(false));
                for (int i = 0; i < 3; i++) {
                    monitor.publish("sluice.heartbeat.evil-0", Heartbeat.newBuilder().setWorkerId("evil-0")
                            .setTimestampMs(System.currentTimeMillis())
                            .setLoad(WorkerLoad.newBuilder().setRouters(0)).build().toByteArray());
                }
                monitor.flush(Patience.WAIT);
                // Two more real heartbeats (one a second) leave time for any fake to have arrived.
                Instant afterFakes = directory.find(real).orElseThrow().lastSeen().plusMillis(1500);
                await().atMost(Patience.WAIT).until(() -> directory.find(real).orElseThrow().lastSeen()
                        .isAfter(afterFakes));
                assertThat(appeared).containsExactly(real);
                assertThat(directory.find("evil-0")).isEmpty();
            } finally {
                redisClient.shutdown();
            }
        }
    }

    private static String password() {
        return "p" + UUID.randomUUID().toString().replace("-", "");
    }
}
