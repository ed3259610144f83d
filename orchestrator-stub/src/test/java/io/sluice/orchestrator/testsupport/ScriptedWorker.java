package io.sluice.orchestrator.testsupport;

import com.google.protobuf.InvalidProtocolBufferException;
import io.lettuce.core.api.sync.RedisCommands;
import io.nats.client.Connection;
import io.nats.service.Service;
import io.nats.service.ServiceEndpoint;
import io.sluice.api.v1.Heartbeat;
import io.sluice.api.v1.WorkerCreateRouterRequest;
import io.sluice.api.v1.WorkerCreateRouterResponse;
import io.sluice.api.v1.WorkerLoad;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for one worker loop that shows each discovery source on command (registry hash,
 * NATS micro service, heartbeat) with a load the test chooses, and answers worker.createRouter
 * with router ids of its own. The orchestrator's choices between workers of different loads can
 * be tested with it before real workers can hold routers; everything it sends follows
 * docs/protocol.md, over the real nats-server and redis-server.
 */
public final class ScriptedWorker implements AutoCloseable {

    private final String workerId;
    private final Connection nats;
    private final RedisCommands<String, String> redis;
    private final AtomicLong heartbeatSeq = new AtomicLong();
    private final List<WorkerCreateRouterRequest> createRouterRequests = new CopyOnWriteArrayList<>();
    private final List<String> idempotencyKeys = new CopyOnWriteArrayList<>();
    private Service service;

    public ScriptedWorker(String workerId, Connection nats, RedisCommands<String, String> redis) {
        this.workerId = workerId;
        this.nats = nats;
        this.redis = redis;
    }

    public String id() {
        return workerId;
    }

    /** Writes {@code sluice:worker:<id>} with the given lease and load, as a heartbeat would. */
    public void writeRegistry(long leaseMillis, WorkerLoad load) {
        String key = "sluice:worker:" + workerId;
        redis.hset(key, Map.of(
                "id", workerId, "host", "host-" + workerId, "announced_ip", "127.0.0.1",
                "pid", "4242", "started_at_ms", "1000", "updated_at_ms", Long.toString(System.currentTimeMillis()),
                "routers", Integer.toString(load.getRouters()), "transports", Integer.toString(load.getTransports()),
                "producers", "0", "consumers", "0"));
        redis.hset(key, "loop_utilization", Double.toString(load.getLoopUtilization()));
        redis.pexpire(key, leaseMillis);
    }

    public void publishHeartbeat(WorkerLoad load) {
        Heartbeat heartbeat = Heartbeat.newBuilder().setWorkerId(workerId).setSeq(heartbeatSeq.incrementAndGet())
                .setTimestampMs(System.currentTimeMillis()).setHost("host-" + workerId).setAnnouncedIp("127.0.0.1")
                .setLoad(load).build();
        nats.publish("sluice.heartbeat." + workerId, heartbeat.toByteArray());
    }

    /** Starts the {@code sluice-worker} service with a createRouter endpoint. */
    public void startService() throws Exception {
        ServiceEndpoint createRouter = ServiceEndpoint.builder()
                .endpointName("worker_createRouter")
                .endpointSubject("sluice." + workerId + ".worker.createRouter")
                .handler(message -> {
                    WorkerCreateRouterRequest request;
                    try {
                        request = WorkerCreateRouterRequest.parseFrom(message.getData());
                    } catch (InvalidProtocolBufferException e) {
                        message.respondStandardError(nats, e.getMessage(), 400);
                        return;
                    }
                    createRouterRequests.add(request);
                    idempotencyKeys.add(message.hasHeaders()
                            ? String.valueOf(message.getHeaders().getFirst("Sluice-Idempotency-Key")) : "null");
                    String routerId = workerId + "-router-" + createRouterRequests.size();
                    message.respond(nats, WorkerCreateRouterResponse.newBuilder().setRouterId(routerId).build()
                            .toByteArray());
                })
                .build();
        service = Service.builder().connection(nats).name("sluice-worker").version("0.1.0")
                .metadata(Map.of("worker_id", workerId, "host", "host-" + workerId, "announced_ip", "127.0.0.1"))
                .addServiceEndpoint(createRouter)
                .build();
        service.startService();
        service.isStarted(5, TimeUnit.SECONDS);
    }

    public List<WorkerCreateRouterRequest> createRouterRequests() {
        return List.copyOf(createRouterRequests);
    }

    /** The Sluice-Idempotency-Key of each createRouter request, "null" when absent. */
    public List<String> idempotencyKeys() {
        return List.copyOf(idempotencyKeys);
    }

    public static WorkerLoad load(int routers, int transports, double loopUtilization) {
        return WorkerLoad.newBuilder().setRouters(routers).setTransports(transports)
                .setLoopUtilization(loopUtilization).build();
    }

    @Override
    public void close() {
        if (service != null) {
            service.stop();
        }
    }
}
