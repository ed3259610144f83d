package io.sluice.orchestrator.signaling;

import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.sluice.orchestrator.OrchestratorMain;
import io.sluice.orchestrator.client.SluiceEventSubscriber;
import io.sluice.orchestrator.client.SluiceRequester;
import io.sluice.orchestrator.discovery.WorkerDirectory;
import io.sluice.orchestrator.placement.InMemoryRoomAssignments;
import io.sluice.orchestrator.placement.RedisRoomAssignmentStore;
import io.sluice.orchestrator.placement.RoomPlacement;
import io.sluice.orchestrator.policy.ScoreLayerPolicy;
import io.sluice.worker.WorkerProcess;
import io.sluice.worker.config.WorkerConfig;
import io.sluice.worker.testsupport.NatsServerProcess;
import io.sluice.worker.testsupport.Patience;
import io.sluice.worker.testsupport.RedisServerProcess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.Set;

/**
 * Everything a browser meets, for real: nats-server, redis-server, an in-process WorkerProcess
 * listening on 127.0.0.1, worker discovery, room placement and the signaling server on a free port.
 */
public final class SignalingStack implements AutoCloseable {

    /** The JOIN_SECRET of the stacks' stubs, in process or as a process of their own. */
    public static final String JOIN_SECRET_TEXT = "signaling-test-secret";
    static final byte[] JOIN_SECRET = JOIN_SECRET_TEXT.getBytes(StandardCharsets.UTF_8);

    /** What the stacks' stubs check tokens with: HS256 with JOIN_SECRET, on the system clock. */
    static JoinTokenVerifier joinTokens() {
        return JoinTokenVerifier.hs256(JOIN_SECRET, InstantSource.system(), java.time.Duration.ofSeconds(30));
    }

    private NatsServerProcess natsServer;
    private RedisServerProcess redisServer;
    private WorkerProcess worker;
    private Connection nats;
    private RedisClient redisClient;
    private StatefulRedisConnection<String, String> redis;
    private WorkerDirectory directory;
    private SluiceEventSubscriber events;
    private SignalingServer server;
    private SignalingServer second;
    private SluiceEventSubscriber secondEvents;
    /** Null: no session store, a closed socket leaves at once. */
    private Duration resumeGrace;

    public static SignalingStack start() throws Exception {
        return start(null);
    }

    /**
     * With sessions kept in Redis and rooms placed through Redis room keys, as OrchestratorMain
     * runs it, so that {@link #restartSignaling()} behaves as a restarted stub.
     */
    public static SignalingStack startWithSessions(Duration resumeGrace) throws Exception {
        return start(resumeGrace);
    }

    private static SignalingStack start(Duration resumeGrace) throws Exception {
        SignalingStack stack = new SignalingStack();
        stack.resumeGrace = resumeGrace;
        try {
            stack.natsServer = NatsServerProcess.start();
            stack.redisServer = RedisServerProcess.start();
            stack.worker = WorkerProcess.start(WorkerConfig.fromEnvironment(Map.of("NATS_URL", stack.natsServer.url(),
                    "REDIS_URL", stack.redisServer.url(), "WORKERS", "1", "WORKER_ID", WORKER_ID,
                    "LISTEN_IP", "127.0.0.1")));
            stack.nats = Nats.connect(stack.natsServer.url());
            stack.redisClient = RedisClient.create(stack.redisServer.url());
            stack.redis = stack.redisClient.connect();
            stack.directory = new WorkerDirectory(stack.nats, stack.redis, InstantSource.system());
            stack.directory.start();
            await().atMost(Patience.WAIT).until(() -> !stack.directory.liveWorkers().isEmpty());
            stack.startSignaling();
            return stack;
        } catch (Exception | AssertionError e) {
            stack.close();
            throw e;
        }
    }

    private void startSignaling() throws InterruptedException {
        events = new SluiceEventSubscriber(nats);
        server = newSignaling(events);
    }

    /** A signaling server with its own placement, on a free port, following events through {@code subscriber}. */
    private SignalingServer newSignaling(SluiceEventSubscriber subscriber) throws InterruptedException {
        RoomPlacement placement = resumeGrace == null
                ? new RoomPlacement(directory, new SluiceRequester(nats), new InMemoryRoomAssignments(),
                        OrchestratorMain.DEFAULT_MEDIA_CODECS)
                : new RoomPlacement(directory, new SluiceRequester(nats), new InMemoryRoomAssignments(),
                        new RedisRoomAssignmentStore(redis, InstantSource.system()), OrchestratorMain.DEFAULT_MEDIA_CODECS);
        directory.addListener(placement);
        subscriber.addRouterListener(placement);
        subscriber.followAllRouters();
        return resumeGrace == null
                ? SignalingServer.start("127.0.0.1", 0, placement, joinTokens(), subscriber,
                        new ScoreLayerPolicy(InstantSource.system()))
                : SignalingServer.start("127.0.0.1", 0, placement, joinTokens(), SignalingLimits.DEFAULTS,
                        subscriber, new ScoreLayerPolicy(InstantSource.system()), nats, redis, resumeGrace);
    }

    /**
     * Starts a second signaling server (its own placement and event subscriber, nothing shared in
     * memory with the first) on the same NATS, Redis and worker, as a second stub behind the same
     * rooms; answers its port. {@link #stopSecondSignaling()} stops it as SIGTERM would.
     */
    public int startSecondSignaling() throws InterruptedException {
        secondEvents = new SluiceEventSubscriber(nats);
        second = newSignaling(secondEvents);
        return second.port();
    }

    public void stopSecondSignaling() {
        second.close();
        secondEvents.close();
        second = null;
    }

    /**
     * Stops the signaling server, its placement and event subscriber, and starts new ones with
     * nothing in memory (on another port), as a restarted stub process: only Redis remembers.
     */
    public void restartSignaling() throws Exception {
        server.close();
        events.close();
        startSignaling();
    }

    /** The in-process worker's WORKER_ID; its one loop is the worker {@link #workerId()}. */
    private static final String WORKER_ID = "signaling";

    /** The id of the worker (loop) the rooms are placed on. */
    public String workerId() {
        return directory.liveWorkers().getFirst().workerId();
    }

    /** A NATS connection to the stack's server (the one the signaling server uses). */
    public Connection nats() {
        return nats;
    }

    public int port() {
        return server.port();
    }

    /** A join token signed with the stack's JOIN_SECRET. */
    public static String token(String userId, String roomId, String... permissions) {
        return new JoinToken(userId, roomId, Set.of(permissions)).sign(JOIN_SECRET, java.time.Instant.now().plusSeconds(3600));
    }

    @Override
    public void close() throws Exception {
        if (second != null) {
            stopSecondSignaling();
        }
        if (server != null) {
            server.close();
        }
        if (events != null) {
            events.close();
        }
        if (directory != null) {
            directory.close();
        }
        if (redis != null) {
            redis.close();
            redisClient.shutdown();
        }
        if (nats != null) {
            nats.close();
        }
        if (worker != null) {
            worker.close();
        }
        if (redisServer != null) {
            redisServer.close();
        }
        if (natsServer != null) {
            natsServer.close();
        }
    }
}
