package io.sluice.orchestrator.discovery;

import static io.sluice.orchestrator.testsupport.ScriptedWorker.load;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.api.StatefulRedisConnection;
import io.nats.client.Connection;
import io.sluice.orchestrator.discovery.WorkerInfo.Source;
import io.sluice.orchestrator.testsupport.MessagingServers;
import io.sluice.orchestrator.testsupport.ScriptedWorker;
import io.sluice.worker.testsupport.Patience;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How the directory merges its three sources and expires silent workers, with scripted workers
 * that each show one source (real nats-server and redis-server).
 */
class WorkerDirectorySourcesTest {

    private static MessagingServers servers;
    private static Connection nats;
    private static StatefulRedisConnection<String, String> redis;

    private WorkerDirectory directory;
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final List<ScriptedWorker> workers = new CopyOnWriteArrayList<>();

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
    void startDirectory() {
        redis.sync().flushall();
        directory = new WorkerDirectory(nats, redis, InstantSource.system());
        directory.addListener(new WorkerDirectory.Listener() {
            @Override
            public void onWorkerAppeared(WorkerInfo worker) {
                events.add("appeared " + worker.workerId());
            }

            @Override
            public void onWorkerDisappeared(WorkerInfo lastKnown) {
                events.add("disappeared " + lastKnown.workerId());
            }
        });
        directory.start();
    }

    @AfterEach
    void stopDirectory() {
        workers.forEach(ScriptedWorker::close);
        directory.close();
    }

    @Test
    void eachSourceAloneMakesAWorkerLiveAndItsFieldsAreRead() throws Exception {
        ScriptedWorker inRegistry = worker("only-registry");
        ScriptedWorker beating = worker("only-heartbeat");
        ScriptedWorker serving = worker("only-service");
        // A worker's transport set shares the key prefix and must not read as a worker.
        redis.sync().sadd("sluice:worker:only-registry:transports", "t1");

        inRegistry.writeRegistry(10_000, load(2, 3, 0.25));
        // A heartbeat-only worker is dead 1.2 s after its last beat: it beats on, as a worker does,
        // so that a slow machine between the await and the assertions does not lose it.
        beating.keepBeating(load(1, 0, 0.5));
        serving.startService();

        await().atMost(Patience.WAIT).until(() -> directory.liveWorkers().size() == 3);
        assertThat(directory.find("only-registry")).hasValueSatisfying(worker -> {
            assertThat(worker.seenBy()).isEqualTo(Set.of(Source.REGISTRY));
            assertThat(worker.host()).isEqualTo("host-only-registry");
            assertThat(worker.pid()).isEqualTo(4242);
            assertThat(worker.routersAndTransports()).isEqualTo(5);
            assertThat(worker.load().getLoopUtilization()).isEqualTo(0.25);
        });
        assertThat(directory.find("only-heartbeat")).hasValueSatisfying(worker -> {
            assertThat(worker.seenBy()).isEqualTo(Set.of(Source.HEARTBEAT));
            assertThat(worker.load().getRouters()).isEqualTo(1);
        });
        assertThat(directory.find("only-service")).hasValueSatisfying(worker -> {
            assertThat(worker.seenBy()).isEqualTo(Set.of(Source.SERVICE));
            assertThat(worker.announcedIp()).isEqualTo("127.0.0.1");
        });
        assertThat(directory.find("only-registry:transports")).isEmpty();
        assertThat(events).containsExactlyInAnyOrder(
                "appeared only-registry", "appeared only-heartbeat", "appeared only-service");
    }

    @Test
    void aWorkerWhoseLeaseLapsedAndWhoFellSilentDisappears() {
        ScriptedWorker crashed = worker("crashed");
        crashed.writeRegistry(300, load(0, 0, 0));
        crashed.publishHeartbeat(load(0, 0, 0));
        await().atMost(Patience.WAIT).until(() -> events.contains("appeared crashed"));

        await().atMost(WorkerDirectory.LEASE.plus(Patience.WAIT)).until(() -> events.contains("disappeared crashed"));
        assertThat(directory.liveWorkers()).isEmpty();
    }

    @Test
    void aFresherHeartbeatWinsOverAnOlderRegistryLoad() {
        ScriptedWorker both = worker("both");
        both.writeRegistry(10_000, load(7, 7, 0.9));
        await().atMost(Patience.WAIT).until(() -> directory.find("both").isPresent());

        both.publishHeartbeat(load(1, 0, 0.1));

        await().atMost(Patience.WAIT).until(() -> directory.find("both").orElseThrow().routersAndTransports() == 1);
        assertThat(directory.find("both").orElseThrow().seenBy()).contains(Source.REGISTRY, Source.HEARTBEAT);
    }

    private ScriptedWorker worker(String id) {
        ScriptedWorker worker = new ScriptedWorker(id, nats, redis.sync());
        workers.add(worker);
        return worker;
    }
}
