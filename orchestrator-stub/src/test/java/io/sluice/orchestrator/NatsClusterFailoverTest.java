package io.sluice.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.sluice.orchestrator.client.RouterClient;
import io.sluice.orchestrator.client.SluiceRequester;
import io.sluice.orchestrator.client.WorkerClient;
import io.sluice.orchestrator.discovery.WorkerDirectory;
import io.sluice.orchestrator.discovery.WorkerInfo;
import io.sluice.worker.WorkerProcess;
import io.sluice.worker.config.WorkerConfig;
import io.sluice.worker.testsupport.ExternalTool;
import io.sluice.worker.testsupport.FreePort;
import io.sluice.worker.testsupport.ManagedProcess;
import io.sluice.worker.testsupport.RedisServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster of three nats-server nodes on loopback: the worker process is connected to node 0,
 * the orchestrator to nodes 1 and 2. Node 0 is killed (SIGKILL) in the middle of a stream of
 * {@code worker.createRouter} requests, each with its own idempotency key and retried with it
 * until answered: every request ends with exactly one router (none lost, none doubled), and the
 * stub never takes the worker for dead (it renews its lease in Redis while it reconnects). The
 * time from the kill to the first answer after it is printed (docs/benchmarks.md "Recovery").
 */
class NatsClusterFailoverTest {

    private static final int REQUESTS = 120;
    private static final int KILL_AT = 40;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path logs;

    @Test
    void killingTheNodeOfTheWorkerLosesAndDoublesNoRequest() throws Exception {
        Path binary = ExternalTool.require("nats-server", "nats-server");
        int[] clientPorts = {FreePort.tcp(), FreePort.tcp(), FreePort.tcp()};
        int[] clusterPorts = {FreePort.tcp(), FreePort.tcp(), FreePort.tcp()};
        String routes = "nats://127.0.0.1:" + clusterPorts[0] + ",nats://127.0.0.1:" + clusterPorts[1]
                + ",nats://127.0.0.1:" + clusterPorts[2];
        List<ManagedProcess> nodes = new ArrayList<>();
        List<String> disappeared = new CopyOnWriteArrayList<>();
        try (RedisServerProcess redisServer = RedisServerProcess.start()) {
            for (int i = 0; i < 3; i++) {
                nodes.add(new ManagedProcess(List.of(binary.toString(), "-a", "127.0.0.1", "-p",
                        Integer.toString(clientPorts[i]), "-n", "node-" + i, "--cluster_name", "sluice",
                        "--cluster", "nats://127.0.0.1:" + clusterPorts[i], "--routes", routes),
                        logs.resolve("nats-" + i + ".log")).start());
            }
            for (int i = 0; i < 3; i++) {
                nodes.get(i).awaitTcpPort(clientPorts[i], WAIT);
            }
            WorkerConfig config = new WorkerConfig("nats://127.0.0.1:" + clientPorts[0], redisServer.url(), "cluster",
                    1, "127.0.0.1", "127.0.0.1", 43000, 43499, "info");
            Options stubOptions = Options.builder()
                    .servers(new String[] {"nats://127.0.0.1:" + clientPorts[1], "nats://127.0.0.1:" + clientPorts[2]})
                    .maxReconnects(-1).build();
            RedisClient redisClient = RedisClient.create(redisServer.url());
            try (WorkerProcess worker = WorkerProcess.start(config);
                    Connection stub = Nats.connect(stubOptions);
                    StatefulRedisConnection<String, String> redis = redisClient.connect();
                    WorkerDirectory directory = new WorkerDirectory(stub, redis, InstantSource.system())) {
                SluiceRequester requester = new SluiceRequester(stub, Duration.ofSeconds(1));
                requester.onNoResponders(directory::suspect);
                directory.addListener(new WorkerDirectory.Listener() {
                    @Override
                    public void onWorkerAppeared(WorkerInfo info) {
                    }

                    @Override
                    public void onWorkerDisappeared(WorkerInfo lastKnown) {
                        disappeared.add(lastKnown.workerId());
                    }
                });
                directory.start();
                String workerId = worker.workerIds().getFirst();
                WorkerClient client = new WorkerClient(requester, workerId);
                await().atMost(WAIT).until(() -> directory.find(workerId).isPresent()
                        && client.dump().handle((dump, failure) -> failure == null).get(5, TimeUnit.SECONDS));

                Set<String> routers = new HashSet<>();
                int retries = 0;
                long killedAt = 0;
                long firstAnswerAfterKillMs = -1;
                for (int i = 0; i < REQUESTS; i++) {
                    if (i == KILL_AT) {
                        nodes.get(0).kill();
                        killedAt = System.nanoTime();
                    }
                    String key = "cluster-request-" + i;
                    RouterClient router = null;
                    while (router == null) {
                        try {
                            router = client.createRouter(OrchestratorMain.DEFAULT_MEDIA_CODECS, "room-" + i, key)
                                    .get(5, TimeUnit.SECONDS);
                        } catch (Exception failure) {
                            retries++;
                            assertThat(System.nanoTime() - (killedAt == 0 ? System.nanoTime() : killedAt))
                                    .as("still failing long after the kill: %s", failure.toString())
                                    .isLessThan(WAIT.toNanos());
                            Thread.sleep(50);
                        }
                    }
                    if (killedAt != 0 && firstAnswerAfterKillMs < 0) {
                        firstAnswerAfterKillMs = (System.nanoTime() - killedAt) / 1_000_000;
                    }
                    routers.add(router.id());
                }

                assertThat(routers).as("one router per request").hasSize(REQUESTS);
                // The requester gives up after a second (so that the loop above retries quickly); under
                // load a dump may take longer, and a doubled router would stay doubled on every try.
                await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(
                                client.dump().get(WAIT.toSeconds(), TimeUnit.SECONDS).getRouterIdsList())
                        .as("nothing doubled on the worker").containsExactlyInAnyOrderElementsOf(routers));
                assertThat(disappeared).as("the worker was never taken for dead").isEmpty();
                System.out.printf("NATS node of the worker killed (3-node cluster): first answer %d ms after the "
                        + "kill, %d retries with their idempotency keys, %d requests, no router lost or doubled%n",
                        firstAnswerAfterKillMs, retries, REQUESTS);
            } finally {
                redisClient.shutdown();
            }
        } finally {
            nodes.forEach(ManagedProcess::kill);
        }
    }
}
