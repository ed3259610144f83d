package io.sluice.bench.load;

import com.google.protobuf.InvalidProtocolBufferException;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.sluice.api.v1.Event;
import io.sluice.api.v1.WorkerOverload;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** The worker's overload events (docs/protocol.md "Overload") as the bench heard them over NATS. */
final class OverloadEvents {

    private final AtomicReference<WorkerOverload> last = new AtomicReference<>();
    private final AtomicInteger count = new AtomicInteger();
    private final Map<String, WorkerOverload> lastBySubject = new ConcurrentHashMap<>();

    OverloadEvents(Connection connection) {
        Dispatcher dispatcher = connection.createDispatcher(message -> {
            try {
                WorkerOverload event = Event.parseFrom(message.getData()).getWorkerOverload();
                last.set(event);
                lastBySubject.put(message.getSubject(), event);
                count.incrementAndGet();
            } catch (InvalidProtocolBufferException e) {
                System.out.println("unreadable overload event: " + e.getMessage());
            }
        });
        dispatcher.subscribe("sluice.event.*.worker.*.overload");
    }

    /** The last event's state, and how many events came so far. */
    String last() {
        WorkerOverload event = last.get();
        if (event == null) {
            return "no overload event";
        }
        return count.get() + " overload events, last: " + describe(event);
    }

    /** Each worker's last event (by the event's subject, which names the worker), one line each. */
    String lastOfEachWorker() {
        if (lastBySubject.isEmpty()) {
            return "no overload event";
        }
        StringBuilder lines = new StringBuilder(count.get() + " overload events");
        new TreeMap<>(lastBySubject).forEach((subject, event) ->
                lines.append("\n  last on ").append(subject).append(": ").append(describe(event)));
        return lines.toString();
    }

    private static String describe(WorkerOverload event) {
        return String.format("overloaded %s, shed %d of %d steps (%d consumers paused, %d capped), loop %.0f%%,"
                        + " %d packets dropped as late (> %d ms)", event.getOverloaded(), event.getShedLevel(),
                event.getShedSteps(), event.getPausedConsumerIdsCount(), event.getLayersCappedConsumerIdsCount(),
                100 * event.getLoopUtilization(), event.getLatePacketsDropped(), event.getMaxInputDelayMs());
    }
}
