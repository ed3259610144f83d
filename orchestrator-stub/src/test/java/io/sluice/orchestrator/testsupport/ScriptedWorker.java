package io.sluice.orchestrator.testsupport;

import com.google.protobuf.InvalidProtocolBufferException;
import io.lettuce.core.api.sync.RedisCommands;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.nats.service.Service;
import io.nats.service.ServiceEndpoint;
import io.sluice.api.v1.ConsumerSetPreferredLayersRequest;
import io.sluice.api.v1.ConsumerSetPreferredLayersResponse;
import io.sluice.api.v1.ConsumerSetPriorityRequest;
import io.sluice.api.v1.ConsumerSetPriorityResponse;
import io.sluice.api.v1.ErrorCode;
import io.sluice.api.v1.Event;
import io.sluice.api.v1.Heartbeat;
import io.sluice.api.v1.WorkerCreateRouterRequest;
import io.sluice.api.v1.WorkerCreateRouterResponse;
import io.sluice.api.v1.WorkerLoad;
import io.sluice.worker.testsupport.Patience;
import java.time.Duration;
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
    private final AtomicLong eventSeq = new AtomicLong();
    private final List<ConsumerSetPreferredLayersRequest> preferredLayersRequests = new CopyOnWriteArrayList<>();
    private final List<ConsumerSetPriorityRequest> priorityRequests = new CopyOnWriteArrayList<>();
    private Service service;
    private Dispatcher standIn;
    private java.util.concurrent.ScheduledExecutorService beating;

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

    /**
     * Publishes a heartbeat now and then every 500 ms until {@link #close()}, as a live worker does
     * (the directory takes a worker whose heartbeats stop for 1.2 s, and who answers no probe, for dead).
     */
    public synchronized void keepBeating(WorkerLoad load) {
        if (beating == null) {
            beating = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "scripted-heartbeat-" + workerId);
                thread.setDaemon(true);
                return thread;
            });
            beating.scheduleAtFixedRate(() -> publishHeartbeat(load), 0, 500, TimeUnit.MILLISECONDS);
        }
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
        if (!service.isStarted(Patience.WAIT.toSeconds(), TimeUnit.SECONDS)) {
            throw new IllegalStateException("the scripted worker's service did not start within " + Patience.WAIT);
        }
    }

    /**
     * Answers consumer.setPreferredLayers and consumer.setPriority on behalf of {@code realWorkerId}
     * when that worker does not answer them itself (NATS "no responders"), so the signaling of
     * these methods can be tested before every worker implements them. Layers are answered as
     * asked (no clamping), priorities as asked. Answers whether the stand-in was installed.
     */
    public boolean standInForConsumerLayerMethods(String realWorkerId)
            throws InterruptedException, java.util.concurrent.TimeoutException {
        String layersSubject = "sluice." + realWorkerId + ".consumer.setPreferredLayers";
        String prioritySubject = "sluice." + realWorkerId + ".consumer.setPriority";
        if (workerAnswers(layersSubject) && workerAnswers(prioritySubject)) {
            return false;
        }
        if (standIn == null) {
            standIn = nats.createDispatcher();
        }
        standIn.subscribe(layersSubject, message -> {
            ConsumerSetPreferredLayersRequest request = parse(message, ConsumerSetPreferredLayersRequest.parser());
            if (request != null) {
                preferredLayersRequests.add(request);
                nats.publish(message.getReplyTo(), ConsumerSetPreferredLayersResponse.newBuilder()
                        .setPreferredLayers(request.getPreferredLayers()).build().toByteArray());
            }
        });
        standIn.subscribe(prioritySubject, message -> {
            ConsumerSetPriorityRequest request = parse(message, ConsumerSetPriorityRequest.parser());
            if (request != null) {
                priorityRequests.add(request);
                nats.publish(message.getReplyTo(), ConsumerSetPriorityResponse.newBuilder().setPriority(request.getPriority())
                        .build().toByteArray());
            }
        });
        nats.flush(Patience.WAIT);
        return true;
    }

    private boolean workerAnswers(String subject) {
        try {
            Message reply = nats.requestWithTimeout(subject, new byte[0], Duration.ofSeconds(2))
                    .get(3, java.util.concurrent.TimeUnit.SECONDS);
            return !reply.isStatusMessage();
        } catch (Exception e) {
            // "no responders" (a status message, or a cancelled request in some jnats versions).
            return false;
        }
    }

    private <T> T parse(Message message, com.google.protobuf.Parser<T> parser) {
        try {
            return parser.parseFrom(message.getData());
        } catch (InvalidProtocolBufferException e) {
            // Left unanswered: the requester's timeout reports it.
            return null;
        }
    }

    /**
     * Answers {@code sluice.<this worker>.<entity>.<method>} with what {@code reply} makes of each
     * request's bytes, so that signaling can meet worker answers no real worker gives yet.
     */
    public void answer(String entity, String method, java.util.function.UnaryOperator<byte[]> reply) {
        answerOrFail(entity, method, () -> null, reply);
    }

    /**
     * As {@link #answer}, but while {@code failure} supplies a code the request fails with it, as
     * a worker's typed error (docs/protocol.md "Errors": status header and an {@code Error} body).
     */
    public void answerOrFail(String entity, String method, java.util.function.Supplier<ErrorCode> failure,
            java.util.function.UnaryOperator<byte[]> reply) {
        if (standIn == null) {
            standIn = nats.createDispatcher();
        }
        standIn.subscribe("sluice." + workerId + "." + entity + "." + method, message -> {
            ErrorCode code = failure.get();
            if (code == null) {
                nats.publish(message.getReplyTo(), reply.apply(message.getData()));
                return;
            }
            Headers headers = new Headers();
            headers.put("Nats-Service-Error-Code", code == ErrorCode.NOT_FOUND ? "404" : "500");
            headers.put("Nats-Service-Error", "scripted " + code);
            nats.publish(message.getReplyTo(), headers, io.sluice.api.v1.Error.newBuilder().setCode(code)
                    .setMessage("scripted " + code).build().toByteArray());
        });
    }

    /** Leaves {@code count} sequence numbers out of the next published event: a gap, as after lost events. */
    public void skipEvents(int count) {
        eventSeq.addAndGet(count);
    }

    public List<ConsumerSetPreferredLayersRequest> preferredLayersRequests() {
        return List.copyOf(preferredLayersRequests);
    }

    public List<ConsumerSetPriorityRequest> priorityRequests() {
        return List.copyOf(priorityRequests);
    }

    /**
     * Publishes one event as a worker does ({@code sluice.event.<routerId>.<entity>.<entityId>.<name>}),
     * with this scripted worker's id and its own sequence (so a real worker's sequence shows no gap).
     */
    public void publishEvent(String routerId, String entity, String entityId, String name, Event.Builder body) {
        Event event = body.setWorkerId(workerId).setSeq(eventSeq.incrementAndGet()).setRouterId(routerId)
                .setTimestampMs(System.currentTimeMillis()).build();
        nats.publish("sluice.event." + routerId + "." + entity + "." + entityId + "." + name, event.toByteArray());
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
        synchronized (this) {
            if (beating != null) {
                beating.shutdownNow();
            }
        }
        if (service != null) {
            service.stop();
        }
        if (standIn != null) {
            nats.closeDispatcher(standIn);
        }
    }
}
