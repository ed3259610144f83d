package io.sluice.bench.load;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.nats.client.Connection;
import io.sluice.orchestrator.OrchestratorMain;
import io.sluice.orchestrator.client.SluiceEventSubscriber;
import io.sluice.orchestrator.client.SluiceRequester;
import io.sluice.orchestrator.discovery.WorkerDirectory;
import io.sluice.orchestrator.placement.InMemoryRoomAssignments;
import io.sluice.orchestrator.placement.RoomPlacement;
import io.sluice.orchestrator.policy.ScoreLayerPolicy;
import io.sluice.orchestrator.signaling.JoinToken;
import io.sluice.orchestrator.signaling.JoinTokenVerifier;
import io.sluice.orchestrator.signaling.SignalingServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.Set;

/**
 * The orchestrator stub in this process, wired as {@link OrchestratorMain} wires it (worker
 * directory from heartbeats and the Redis registry, room placement, event relay, the signaling
 * server on a free loopback port), with rooms spread over workers beyond {@code peersPerWorker}
 * peers per worker (ROOM_PEERS_PER_WORKER).
 */
final class StubInProcess implements AutoCloseable {

    private static final byte[] JOIN_SECRET = "spread-room-bench".getBytes(StandardCharsets.UTF_8);

    private final RedisClient redisClient;
    private final StatefulRedisConnection<String, String> redis;
    private final WorkerDirectory directory;
    private final SluiceEventSubscriber events;
    private final SignalingServer server;

    StubInProcess(Connection nats, String redisUrl, int expectedWorkers, int peersPerWorker) throws Exception {
        redisClient = RedisClient.create(redisUrl);
        redis = redisClient.connect();
        directory = new WorkerDirectory(nats, redis, InstantSource.system());
        RoomPlacement placement = new RoomPlacement(directory, new SluiceRequester(nats), new InMemoryRoomAssignments(),
                OrchestratorMain.DEFAULT_MEDIA_CODECS);
        placement.spreadRoomsBeyond(peersPerWorker);
        directory.addListener(placement);
        directory.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (directory.liveWorkers().size() < expectedWorkers) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the stub sees " + directory.liveWorkers().size() + " of "
                        + expectedWorkers + " workers after 60 s");
            }
            Thread.sleep(100);
        }
        events = new SluiceEventSubscriber(nats);
        events.addRouterListener(placement);
        events.followAllRouters();
        server = SignalingServer.start("127.0.0.1", 0, placement,
                JoinTokenVerifier.hs256(JOIN_SECRET, InstantSource.system(), Duration.ofSeconds(30)), events,
                new ScoreLayerPolicy(InstantSource.system()));
    }

    int port() {
        return server.port();
    }

    /** A join token of this stub for {@code userId} in {@code roomId}. */
    static String token(String userId, String roomId, String... permissions) {
        return new JoinToken(userId, roomId, Set.of(permissions)).sign(JOIN_SECRET, Instant.now().plusSeconds(3600));
    }

    /** The operator's room dump (GET /rooms/&lt;id&gt;): routers with their workers and peers, pipes. */
    Optional<String> roomDump(String roomId) {
        return server.roomDump(roomId);
    }

    @Override
    public void close() {
        server.close();
        events.close();
        directory.close();
        redis.close();
        redisClient.shutdown();
    }
}
