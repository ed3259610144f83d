package io.sluice.orchestrator.client;

import com.google.protobuf.InvalidProtocolBufferException;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.sluice.api.v1.Event;
import io.sluice.api.v1.Heartbeat;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Subscribes to worker events and heartbeats (docs/protocol.md, "Events" and "Heartbeat"),
 * decodes them and calls typed listeners. All listeners run on this subscriber's one jnats
 * dispatcher thread, in the order the messages arrived; a listener must not block.
 *
 * <p>Follow either every router ({@link #followAllRouters()}) or chosen ones
 * ({@link #followRouter(String)}), not both: following a router while following all is a no-op.
 */
public final class SluiceEventSubscriber implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SluiceEventSubscriber.class);
    private static final String EVENT_PREFIX = "sluice.event.";
    private static final String HEARTBEAT_SUBJECTS = "sluice.heartbeat.*";

    private final List<RouterEventListener> routerListeners = new CopyOnWriteArrayList<>();
    private final List<HeartbeatListener> heartbeatListeners = new CopyOnWriteArrayList<>();
    private final List<MissedEventsListener> missedEventsListeners = new CopyOnWriteArrayList<>();
    private final Connection connection;
    private final Dispatcher dispatcher;
    // Touched only on the dispatcher thread.
    private final Map<String, Long> lastSeqByWorker = new HashMap<>();
    private volatile boolean followingAll;

    public SluiceEventSubscriber(Connection connection) {
        this.connection = connection;
        this.dispatcher = connection.createDispatcher();
    }

    public void addRouterListener(RouterEventListener listener) {
        routerListeners.add(listener);
    }

    public void addHeartbeatListener(HeartbeatListener listener) {
        heartbeatListeners.add(listener);
    }

    public void addMissedEventsListener(MissedEventsListener listener) {
        missedEventsListeners.add(listener);
    }

    /** Subscribes to {@code sluice.event.>}: every event of every worker. */
    public synchronized void followAllRouters() {
        if (!followingAll) {
            followingAll = true;
            dispatcher.subscribe(EVENT_PREFIX + ">", this::onEventMessage);
        }
    }

    /** Subscribes to {@code sluice.event.<routerId>.>}: one room's events. */
    public synchronized void followRouter(String routerId) {
        if (!followingAll) {
            dispatcher.subscribe(EVENT_PREFIX + routerId + ".>", this::onEventMessage);
        }
    }

    public synchronized void unfollowRouter(String routerId) {
        if (!followingAll) {
            dispatcher.unsubscribe(EVENT_PREFIX + routerId + ".>");
        }
    }

    /** Subscribes to {@code sluice.heartbeat.*}. */
    public void followHeartbeats() {
        dispatcher.subscribe(HEARTBEAT_SUBJECTS, this::onHeartbeatMessage);
    }

    private void onEventMessage(Message message) {
        Event event;
        try {
            event = Event.parseFrom(message.getData());
        } catch (InvalidProtocolBufferException e) {
            log.warn("undecodable event on {}: {}", message.getSubject(), e.getMessage());
            return;
        }
        if (followingAll) {
            checkSequence(event);
        }
        switch (event.getBodyCase()) {
            case ROUTER_CLOSED -> {
                for (RouterEventListener listener : routerListeners) {
                    guarded(message, () -> listener.onRouterClosed(event.getWorkerId(), event.getRouterId(),
                            event.getRouterClosed().getReason()));
                }
            }
            // An event type newer than this client: its subject still tells what it is.
            case BODY_NOT_SET -> log.debug("event of an unknown type on {}", message.getSubject());
        }
    }

    private void checkSequence(Event event) {
        Long last = lastSeqByWorker.put(event.getWorkerId(), event.getSeq());
        // A sequence lower than the last one is a restarted worker process: a new sequence.
        if (last != null && event.getSeq() > last + 1) {
            for (MissedEventsListener listener : missedEventsListeners) {
                listener.onEventsMissed(event.getWorkerId(), last + 1, event.getSeq());
            }
        }
    }

    private void onHeartbeatMessage(Message message) {
        Heartbeat heartbeat;
        try {
            heartbeat = Heartbeat.parseFrom(message.getData());
        } catch (InvalidProtocolBufferException e) {
            log.warn("undecodable heartbeat on {}: {}", message.getSubject(), e.getMessage());
            return;
        }
        for (HeartbeatListener listener : heartbeatListeners) {
            guarded(message, () -> listener.onHeartbeat(heartbeat));
        }
    }

    /** One failing listener must neither stop the others nor the dispatcher. */
    private static void guarded(Message message, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.error("listener failed on {}", message.getSubject(), e);
        }
    }

    @Override
    public void close() {
        connection.closeDispatcher(dispatcher);
    }
}
