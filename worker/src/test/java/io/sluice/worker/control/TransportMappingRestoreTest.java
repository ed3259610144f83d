package io.sluice.worker.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.sluice.api.v1.RouterCreateWebRtcTransportRequest;
import io.sluice.api.v1.RouterCreateWebRtcTransportResponse;
import io.sluice.api.v1.TransportCloseRequest;
import io.sluice.api.v1.TransportCloseResponse;
import io.sluice.api.v1.WebRtcTransportInfo;
import io.sluice.api.v1.WorkerCreateRouterResponse;
import io.sluice.worker.registry.TransportMappings;
import io.sluice.worker.testsupport.Patience;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A restarted Redis that persists nothing has lost every mapping: the worker writes the mappings
 * of its live transports again when Redis comes back, and not those of transports closed meanwhile.
 */
class TransportMappingRestoreTest {

    private static final Duration WAIT = Patience.WAIT;

    @Test
    void liveTransportsAreMappedAgainAfterRedisRestarts() throws Exception {
        try (RunningWorker worker = RunningWorker.start("restore", 47000)) {
            String routerId = worker.client.call(worker.workerId, "worker.createRouter",
                    WorkerControlTest.opusAndVp8("room-restore")).as(WorkerCreateRouterResponse.parser()).getRouterId();
            WebRtcTransportInfo kept = createTransport(worker, routerId, "kept");
            WebRtcTransportInfo closed = createTransport(worker, routerId, "closed");

            RedisClient redisClient = RedisClient.create(worker.redis.url());
            try (StatefulRedisConnection<String, String> redis = redisClient.connect()) {
                await().atMost(WAIT).until(() ->
                        redis.sync().exists(TransportMappings.transportKey(kept.getId())) == 1);
            } finally {
                redisClient.shutdown();
            }

            worker.redis.kill();
            worker.client.call(worker.workerId, "transport.close",
                    TransportCloseRequest.newBuilder().setTransportId(closed.getId()).build())
                    .as(TransportCloseResponse.parser());
            // Heartbeats after the kill, each with a lease write that fails: the worker sees the outage.
            worker.awaitHeartbeats(3);
            worker.redis.startAgain();

            redisClient = RedisClient.create(worker.redis.url());
            try (StatefulRedisConnection<String, String> redis = redisClient.connect()) {
                await().atMost(WAIT).untilAsserted(() -> assertThat(redis.sync()
                        .hgetall(TransportMappings.transportKey(kept.getId())))
                        .containsEntry("user_id", "kept").containsEntry("router_id", routerId));
                assertThat(redis.sync().smembers(TransportMappings.userTransportsKey("room-restore", "kept")))
                        .containsExactly(kept.getId());
                assertThat(redis.sync().exists(TransportMappings.transportKey(closed.getId()))).isZero();
            } finally {
                redisClient.shutdown();
            }
        }
    }

    private static WebRtcTransportInfo createTransport(RunningWorker worker, String routerId, String userId)
            throws Exception {
        return worker.client.call(worker.workerId, "router.createWebRtcTransport",
                RouterCreateWebRtcTransportRequest.newBuilder().setRouterId(routerId).setUserId(userId).build())
                .as(RouterCreateWebRtcTransportResponse.parser()).getTransport();
    }
}
