package io.sluice.worker.control;

import io.netty.util.concurrent.EventExecutor;
import io.sluice.api.v1.Event;
import io.sluice.api.v1.RouterClosed;
import io.sluice.api.v1.WorkerOverload;
import io.sluice.worker.time.Clock;

/**
 * Publishes one worker's events on {@code sluice.event.<routerId>.<entity>.<entityId>.<event>}.
 * Runs on the worker's loop: it stamps each event with the worker id, the time and the next
 * per-worker sequence number (from 1; a gap tells a subscriber it missed events), then hands the
 * bytes to a {@link Sink} that must not block.
 */
public final class EventPublisher {

    /** Where encoded events go; called on the loop, so it queues and returns. */
    @FunctionalInterface
    public interface Sink {
        void publish(String subject, byte[] body);
    }

    private final String workerId;
    private final EventExecutor loop;
    private final Clock clock;
    private final Sink sink;
    private long lastSeq;

    public EventPublisher(String workerId, EventExecutor loop, Clock clock, Sink sink) {
        this.workerId = workerId;
        this.loop = loop;
        this.clock = clock;
        this.sink = sink;
    }

    /**
     * Publishes an event whose body (the oneof) is set in {@code event}; returns its seq.
     * Entities call it as {@code emit(routerId, "producer", producerId, "score", Event.newBuilder().setX(...))}.
     */
    public long emit(String routerId, String entity, String entityId, String eventName, Event.Builder event) {
        assert loop.inEventLoop();
        long seq = ++lastSeq;
        Event stamped = event
                .setWorkerId(workerId)
                .setTimestampMs(clock.epochMillis())
                .setSeq(seq)
                .setRouterId(routerId)
                .build();
        sink.publish(subject(routerId, entity, entityId, eventName), stamped.toByteArray());
        return seq;
    }

    public long routerClosed(String routerId, RouterClosed.Reason reason) {
        return emit(routerId, "router", routerId, "closed",
                Event.newBuilder().setRouterClosed(RouterClosed.newBuilder().setReason(reason)));
    }

    /**
     * The worker's overload event, on {@code sluice.event.<workerId>.worker.<workerId>.overload}:
     * the worker id stands where a router's id would, and the event's router_id stays empty.
     */
    public long workerOverload(WorkerOverload overload) {
        assert loop.inEventLoop();
        long seq = ++lastSeq;
        Event stamped = Event.newBuilder()
                .setWorkerId(workerId)
                .setTimestampMs(clock.epochMillis())
                .setSeq(seq)
                .setWorkerOverload(overload)
                .build();
        sink.publish(subject(workerId, "worker", workerId, "overload"), stamped.toByteArray());
        return seq;
    }

    /** The seq of the last event published, 0 before the first. */
    public long lastSeq() {
        assert loop.inEventLoop();
        return lastSeq;
    }

    public static String subject(String routerId, String entity, String entityId, String eventName) {
        return "sluice.event." + routerId + "." + entity + "." + entityId + "." + eventName;
    }
}
