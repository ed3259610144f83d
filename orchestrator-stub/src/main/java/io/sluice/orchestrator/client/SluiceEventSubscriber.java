package io.sluice.orchestrator.client;

import com.google.protobuf.InvalidProtocolBufferException;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.sluice.api.v1.ConsumerLayers;
import io.sluice.api.v1.Event;
import io.sluice.api.v1.Heartbeat;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    private final List<TransportEventListener> transportListeners = new CopyOnWriteArrayList<>();
    private final List<ProducerEventListener> producerListeners = new CopyOnWriteArrayList<>();
    private final List<ConsumerEventListener> consumerListeners = new CopyOnWriteArrayList<>();
    private final List<RtpObserverEventListener> rtpObserverListeners = new CopyOnWriteArrayList<>();
    private final List<DataEventListener> dataListeners = new CopyOnWriteArrayList<>();
    // Guarded by this; jnats' unsubscribe(subject) only finds subscriptions without a handler.
    private final Map<String, Subscription> routerSubscriptions = new HashMap<>();
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

    public void addTransportListener(TransportEventListener listener) {
        transportListeners.add(listener);
    }

    public void addProducerListener(ProducerEventListener listener) {
        producerListeners.add(listener);
    }

    public void addConsumerListener(ConsumerEventListener listener) {
        consumerListeners.add(listener);
    }

    public void addRtpObserverListener(RtpObserverEventListener listener) {
        rtpObserverListeners.add(listener);
    }

    public void addDataListener(DataEventListener listener) {
        dataListeners.add(listener);
    }

    /** Subscribes to {@code sluice.event.>}: every event of every worker. */
    public synchronized void followAllRouters() {
        if (!followingAll) {
            followingAll = true;
            dispatcher.subscribe(EVENT_PREFIX + ">", this::onEventMessage);
        }
    }

    /** Subscribes to {@code sluice.event.<routerId>.>}: one room's events (once, however often called). */
    public synchronized void followRouter(String routerId) {
        if (!followingAll && !routerSubscriptions.containsKey(routerId)) {
            routerSubscriptions.put(routerId, dispatcher.subscribe(EVENT_PREFIX + routerId + ".>",
                    this::onEventMessage));
        }
    }

    public synchronized void unfollowRouter(String routerId) {
        Subscription subscription = routerSubscriptions.remove(routerId);
        if (subscription != null) {
            dispatcher.unsubscribe(subscription);
        }
    }

    /** True when every router's events arrive, so that gaps are detected ({@link MissedEventsListener}). */
    public boolean followsAllRouters() {
        return followingAll;
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
        String routerId = event.getRouterId();
        String entityId = entityIdOf(message.getSubject());
        switch (event.getBodyCase()) {
            case ROUTER_CLOSED -> {
                for (RouterEventListener listener : routerListeners) {
                    guarded(message, () -> listener.onRouterClosed(event.getWorkerId(), routerId,
                            event.getRouterClosed().getReason()));
                }
            }
            case TRANSPORT_ICE_STATE_CHANGED -> transportListeners.forEach(listener -> guarded(message,
                    () -> listener.onIceStateChanged(routerId, entityId,
                            event.getTransportIceStateChanged().getIceState())));
            case TRANSPORT_DTLS_STATE_CHANGED -> transportListeners.forEach(listener -> guarded(message,
                    () -> listener.onDtlsStateChanged(routerId, entityId,
                            event.getTransportDtlsStateChanged().getDtlsState(),
                            event.getTransportDtlsStateChanged().getReason())));
            case TRANSPORT_CLOSED -> transportListeners.forEach(listener -> guarded(message,
                    () -> listener.onTransportClosed(routerId, entityId, event.getTransportClosed().getReason())));
            case PRODUCER_CLOSED -> producerListeners.forEach(listener -> guarded(message,
                    () -> listener.onProducerClosed(routerId, entityId, event.getProducerClosed().getReason())));
            case PRODUCER_SCORE -> producerListeners.forEach(listener -> guarded(message,
                    () -> listener.onProducerScore(routerId, entityId, event.getProducerScore())));
            case CONSUMER_CLOSED -> consumerListeners.forEach(listener -> guarded(message,
                    () -> listener.onConsumerClosed(routerId, entityId, event.getConsumerClosed().getReason())));
            case CONSUMER_PRODUCER_CLOSED -> consumerListeners.forEach(listener -> guarded(message,
                    () -> listener.onConsumerProducerClosed(routerId, entityId)));
            case CONSUMER_PRODUCER_PAUSED -> consumerListeners.forEach(listener -> guarded(message,
                    () -> listener.onConsumerProducerPaused(routerId, entityId, true)));
            case CONSUMER_PRODUCER_RESUMED -> consumerListeners.forEach(listener -> guarded(message,
                    () -> listener.onConsumerProducerPaused(routerId, entityId, false)));
            case CONSUMER_SCORE -> consumerListeners.forEach(listener -> guarded(message,
                    () -> listener.onConsumerScore(routerId, entityId, event.getConsumerScore())));
            case CONSUMER_LAYERS_CHANGED -> {
                Optional<ConsumerLayers> layers = event.getConsumerLayersChanged().hasLayers()
                        ? Optional.of(event.getConsumerLayersChanged().getLayers()) : Optional.empty();
                consumerListeners.forEach(listener -> guarded(message,
                        () -> listener.onConsumerLayersChanged(routerId, entityId, layers)));
            }
            case RTP_OBSERVER_DOMINANT_SPEAKER -> rtpObserverListeners.forEach(listener -> guarded(message,
                    () -> listener.onDominantSpeaker(routerId, entityId,
                            event.getRtpObserverDominantSpeaker().getProducerId())));
            case RTP_OBSERVER_VOLUMES -> rtpObserverListeners.forEach(listener -> guarded(message,
                    () -> listener.onVolumes(routerId, entityId, event.getRtpObserverVolumes().getVolumesList())));
            case RTP_OBSERVER_SILENCE -> rtpObserverListeners.forEach(listener -> guarded(message,
                    () -> listener.onSilence(routerId, entityId)));
            case DATA_PRODUCER_CLOSED -> dataListeners.forEach(listener -> guarded(message,
                    () -> listener.onDataProducerClosed(routerId, entityId, event.getDataProducerClosed().getReason())));
            case DATA_CONSUMER_CLOSED -> dataListeners.forEach(listener -> guarded(message,
                    () -> listener.onDataConsumerClosed(routerId, entityId, event.getDataConsumerClosed().getReason())));
            case TRANSPORT_TUPLE_CHANGED -> log.trace("tuple changed on {}", message.getSubject());
            // An event type newer than this client: its subject still tells what it is.
            case BODY_NOT_SET -> log.debug("event of an unknown type on {}", message.getSubject());
        }
    }

    /** {@code sluice.event.<routerId>.<entity>.<entityId>.<event>}: the entity id (ids hold no dots). */
    private static String entityIdOf(String subject) {
        String[] tokens = subject.split("\\.");
        return tokens.length == 6 ? tokens[4] : "";
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
