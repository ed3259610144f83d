package io.sluice.orchestrator.signaling;

import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.sluice.orchestrator.OrchestratorMain;
import io.sluice.orchestrator.client.SluiceEventSubscriber;
import io.sluice.orchestrator.client.SluiceRequester;
import io.sluice.orchestrator.discovery.DeadWorkerSweep;
import io.sluice.orchestrator.discovery.WorkerDirectory;
import io.sluice.orchestrator.discovery.WorkerInfo;
import io.sluice.orchestrator.placement.InMemoryRoomAssignments;
import io.sluice.orchestrator.placement.RedisRoomAssignmentStore;
import io.sluice.orchestrator.placement.RoomAssignment;
import io.sluice.orchestrator.placement.RoomPlacement;
import io.sluice.orchestrator.policy.ScoreLayerPolicy;
import io.sluice.worker.WorkerMain;
import io.sluice.worker.testsupport.ManagedProcess;
import io.sluice.worker.testsupport.NatsServerProcess;
import io.sluice.worker.testsupport.RedisServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The failure-recovery stack: nats-server, redis-server, several sluice-worker processes (child
 * JVMs started from the test class path with {@code -XX:+ExitOnOutOfMemoryError}, one loop each,
 * worker ids {@code rw<i>-0}, each on its own RTC port range) that a test kills with SIGKILL,
 * stops or restarts, and the orchestrator stub in process as {@link OrchestratorMain} wires it:
 * directory with the dead-worker sweep, placement with the Redis room store, signaling.
 */
public final class RecoveryStack implements AutoCloseable {

    private static final Duration START = Duration.ofSeconds(90);

    private final Path logs;
    private NatsServerProcess natsServer;
    private RedisServerProcess redisServer;
    private final List<ManagedProcess> workers = new ArrayList<>();
    private Connection nats;
    private RedisClient redisClient;
    private StatefulRedisConnection<String, String> redis;
    private WorkerDirectory directory;
    private RoomPlacement placement;
    private SluiceEventSubscriber events;
    private SignalingServer server;
    /** Worker id to System.nanoTime() of the directory finding it gone, last time. */
    private final Map<String, Long> disappearedAt = new ConcurrentHashMap<>();
    private final java.util.concurrent.ScheduledExecutorService reclaim =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor();

    private RecoveryStack(Path logs) {
        this.logs = logs;
    }

    /** Starts everything with {@code workerCount} worker processes and waits until all are live. */
    public static RecoveryStack start(Path logs, int workerCount) throws Exception {
        RecoveryStack stack = new RecoveryStack(logs);
        try {
            stack.natsServer = NatsServerProcess.start();
            stack.redisServer = RedisServerProcess.start();
            for (int i = 0; i < workerCount; i++) {
                stack.workers.add(new ManagedProcess(stack.workerCommand(i), logs.resolve("worker-" + i + ".log"))
                        .start());
            }
            stack.nats = Nats.connect(stack.natsServer.url());
            stack.redisClient = RedisClient.create(stack.redisServer.url());
            stack.redis = stack.redisClient.connect();
            stack.directory = new WorkerDirectory(stack.nats, stack.redis, InstantSource.system());
            SluiceRequester requester = new SluiceRequester(stack.nats);
            requester.onNoResponders(stack.directory::suspect);
            stack.placement = new RoomPlacement(stack.directory, requester, new InMemoryRoomAssignments(),
                    new RedisRoomAssignmentStore(stack.redis, InstantSource.system()),
                    OrchestratorMain.DEFAULT_MEDIA_CODECS);
            // First, so the detection time is taken before the sweep and the notifications run.
            stack.directory.addListener(new WorkerDirectory.Listener() {
                @Override
                public void onWorkerAppeared(WorkerInfo worker) {
                }

                @Override
                public void onWorkerDisappeared(WorkerInfo lastKnown) {
                    stack.disappearedAt.put(lastKnown.workerId(), System.nanoTime());
                }
            });
            stack.directory.addListener(new DeadWorkerSweep(stack.redis, InstantSource.system()));
            stack.directory.addListener(stack.placement);
            stack.directory.start();
            stack.reclaim.scheduleWithFixedDelay(stack.placement::reclaimStoredAssignments, 1, 1,
                    java.util.concurrent.TimeUnit.SECONDS);
            stack.events = new SluiceEventSubscriber(stack.nats);
            stack.events.addRouterListener(stack.placement);
            stack.events.followAllRouters();
            stack.server = SignalingServer.start("127.0.0.1", 0, stack.placement, SignalingStack.joinTokens(),
                    stack.events, new ScoreLayerPolicy(InstantSource.system()));
            for (int i = 0; i < workerCount; i++) {
                stack.awaitLive(i);
            }
            return stack;
        } catch (Exception | AssertionError e) {
            stack.close();
            throw e;
        }
    }

    private List<String> workerCommand(int index) {
        int firstPort = 42000 + index * 500;
        return List.of(ProcessHandle.current().info().command().orElseThrow(), "-XX:+ExitOnOutOfMemoryError",
                "-cp", System.getProperty("java.class.path"), WorkerMain.class.getName(),
                "--nats-url", natsServer.url(), "--redis-url", redisServer.url(), "--worker-id", "rw" + index,
                "--workers", "1", "--listen-ip", "127.0.0.1", "--rtc-min-port", Integer.toString(firstPort),
                "--rtc-max-port", Integer.toString(firstPort + 499));
    }

    /** The worker id of process {@code index}'s one loop. */
    public static String workerId(int index) {
        return "rw" + index + "-0";
    }

    public ManagedProcess worker(int index) {
        return workers.get(index);
    }

    /** The index of the process serving the worker id. */
    public static int indexOf(String workerId) {
        return Integer.parseInt(workerId.substring(2, workerId.indexOf('-')));
    }

    /** Starts process {@code index} again (after a kill or stop), under the same WORKER_ID. */
    public void restart(int index) {
        workers.get(index).start();
    }

    /** Waits until the directory sees process {@code index}'s worker beating. */
    public void awaitLive(int index) {
        await().atMost(START).until(() -> directory.find(workerId(index))
                .filter(worker -> worker.seenBy().contains(WorkerInfo.Source.HEARTBEAT)).isPresent());
    }

    public Optional<WorkerInfo> live(String workerId) {
        return directory.find(workerId);
    }

    /** When the directory last found the worker gone (System.nanoTime()), if it did. */
    public Optional<Long> disappearedAt(String workerId) {
        return Optional.ofNullable(disappearedAt.get(workerId));
    }

    public Optional<RoomAssignment> assignment(String roomId) {
        return placement.assignment(roomId);
    }

    public RoomPlacement placement() {
        return placement;
    }

    public SignalingServer server() {
        return server;
    }

    public RedisServerProcess redisServer() {
        return redisServer;
    }

    public StatefulRedisConnection<String, String> redis() {
        return redis;
    }

    public Connection nats() {
        return nats;
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() throws Exception {
        reclaim.shutdownNow();
        if (server != null) {
            server.close();
        }
        if (events != null) {
            events.close();
        }
        if (directory != null) {
            directory.close();
        }
        workers.forEach(ManagedProcess::kill);
        if (redis != null) {
            redis.close();
            redisClient.shutdown();
        }
        if (nats != null) {
            nats.close();
        }
        if (redisServer != null) {
            redisServer.close();
        }
        if (natsServer != null) {
            natsServer.close();
        }
    }
}
