package io.sluice.bench.load;

import com.google.protobuf.InvalidProtocolBufferException;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.sluice.api.v1.Event;
import io.sluice.api.v1.WorkerOverload;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** The worker's overload events (docs/protocol.md "Overload") as the bench heard them over NATS. */
final class OverloadEvents {

    private final AtomicReference<WorkerOverload> last = new AtomicReference<>();
    private final AtomicInteger count = new AtomicInteger();

    OverloadEvents(Connection connection) {
        Dispatcher dispatcher = connection.createDispatcher(message -> {
            try {
                last.set(Event.parseFrom(message.getData()).getWorkerOverload());
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
        return String.format("%d overload events, last: overloaded %s, shed %d of %d steps (%d consumers paused),"
                        + " %d packets dropped as late (> %d ms)", count.get(), event.getOverloaded(),
                event.getShedLevel(), event.getShedSteps(), event.getPausedConsumerIdsCount(),
                event.getLatePacketsDropped(), event.getMaxInputDelayMs());
    }
}
