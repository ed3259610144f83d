package io.sluice.orchestrator.signaling;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.api.v1.ConsumerLayers;
import io.sluice.api.v1.ConsumerScore;
import io.sluice.api.v1.ErrorCode;
import io.sluice.api.v1.ProducerScore;
import io.sluice.orchestrator.client.ConsumerClient;
import io.sluice.orchestrator.client.ProducerClient;
import io.sluice.orchestrator.client.SluiceRequestException;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to one session's media outside its own requests, turned into notifications to its
 * browser: the worker's events about the transports, producers and consumers the peer owns
 * ({@link EventRelay}, the {@code on...} methods, on the NATS dispatcher thread), a re-read after
 * missed events ({@link #resync}), and producers of the room closing, which close the peer's
 * consumers of them. Whichever path drops a producer or consumer first announces it; the others
 * find it gone.
 */
final class PeerMediaEvents {

    private static final Logger log = LoggerFactory.getLogger(PeerMediaEvents.class);

    private final SignalingSession session;
    private final Rooms rooms;
    private final PeerMedia media;

    PeerMediaEvents(SignalingSession session, Rooms rooms, PeerMedia media) {
        this.session = session;
        this.rooms = rooms;
        this.media = media;
    }

    /** Tells the room that this peer's producer closed: its other peers, their consumers of it, other servers. */
    void announceProducerClosed(Room joined, String producerId) {
        List<Room.Subscription> subscriptions = joined.removeProducer(producerId);
        ObjectNode closed = SignalingJson.NODES.objectNode().put("producerId", producerId);
        for (SignalingSession other : joined.otherPeers(session.peerId())) {
            other.notify("producerClosed", closed);
        }
        for (Room.Subscription subscription : subscriptions) {
            subscription.owner().mediaEvents().consumerClosed(subscription.consumerId(), producerId);
        }
        rooms.bus().publish(joined.id(), "producerClosed", closed);
    }

    /** A producer of a peer on another server closed, and with it this peer's consumer of it. */
    void remoteProducerClosed(String consumerId, String producerId) {
        consumerClosed(consumerId, producerId);
    }

    private void consumerClosed(String consumerId, String producerId) {
        ConsumerClient consumer = media.consumers.get(consumerId);
        if (consumer != null && forgetConsumer(consumer)) {
            session.notify("consumerClosed", SignalingJson.NODES.objectNode().put("consumerId", consumerId)
                    .put("producerId", producerId));
        }
    }

    /** Drops a closed consumer everywhere; false when another path already did. */
    boolean forgetConsumer(ConsumerClient consumer) {
        if (media.consumers.remove(consumer.id()) == null) {
            return false;
        }
        rooms.disown(consumer.id());
        rooms.layerPolicy().consumerRemoved(consumer.id());
        Room joined = session.room();
        if (joined != null) {
            joined.removeSubscription(consumer.producerId(), consumer.id());
        }
        session.persist();
        return true;
    }

    // Worker events (EventRelay), on the NATS dispatcher thread.

    void onConsumerClosedByWorker(String consumerId) {
        ConsumerClient consumer = media.consumers.get(consumerId);
        if (consumer != null) {
            consumerClosed(consumerId, consumer.producerId());
        }
    }

    void onProducerClosedByWorker(String producerId) {
        Room joined = session.room();
        if (media.producers.remove(producerId) != null && joined != null) {
            rooms.disown(producerId);
            session.persist();
            announceProducerClosed(joined, producerId);
            session.notify("producerClosed", SignalingJson.NODES.objectNode().put("producerId", producerId));
        }
    }

    void onConsumerProducerPaused(String consumerId, boolean producerPaused) {
        if (media.consumers.containsKey(consumerId)) {
            session.notify(producerPaused ? "consumerPaused" : "consumerResumed", SignalingJson.NODES.objectNode()
                    .put("consumerId", consumerId).put("producerPaused", producerPaused));
        }
    }

    void onConsumerScore(String consumerId, ConsumerScore score) {
        if (!media.consumers.containsKey(consumerId)) {
            return;
        }
        ObjectNode notification = SignalingJson.NODES.objectNode().put("consumerId", consumerId);
        notification.setAll(MediaStateJson.consumerScore(score));
        session.notify("consumerScore", notification);
        rooms.layerPolicy().onScore(consumerId, score)
                .ifPresent(layers -> session.mediaRequests().applyPolicyLayers(consumerId, layers));
    }

    void onProducerScore(String producerId, ProducerScore score) {
        if (media.producers.containsKey(producerId)) {
            ObjectNode notification = SignalingJson.NODES.objectNode().put("producerId", producerId);
            notification.set("score", MediaStateJson.producerScore(score));
            session.notify("producerScore", notification);
        }
    }

    void onConsumerLayersChanged(String consumerId, Optional<ConsumerLayers> layers) {
        if (media.consumers.containsKey(consumerId)) {
            ObjectNode notification = SignalingJson.NODES.objectNode().put("consumerId", consumerId);
            notification.setAll(MediaStateJson.layers(layers));
            session.notify("consumerLayersChanged", notification);
        }
    }

    void onTransportState(String transportId, String member, String state, String reason) {
        if (media.transports.containsKey(transportId)) {
            ObjectNode notification = SignalingJson.NODES.objectNode().put("transportId", transportId)
                    .put(member, state);
            if (!reason.isEmpty()) {
                notification.put("reason", reason);
            }
            session.notify("transportStateChanged", notification);
        }
    }

    void onTransportClosedByWorker(String transportId, String reason) {
        if (media.transports.remove(transportId) != null) {
            rooms.disown(transportId);
            session.persist();
            session.notify("transportClosed", SignalingJson.NODES.objectNode().put("transportId", transportId)
                    .put("reason", reason));
        }
    }

    /**
     * After missed events: re-reads this peer's producers and consumers with dump requests; the
     * ones the worker no longer has are closed here as their events would have, the others'
     * producer pause and layers are sent again.
     */
    void resync() {
        for (ProducerClient producer : List.copyOf(media.producers.values())) {
            producer.dump().whenComplete((dump, failure) -> {
                if (isNotFound(failure)) {
                    onProducerClosedByWorker(producer.id());
                } else if (failure != null) {
                    log.warn("peer {}: re-reading producer {} failed: {}", session.peerId(), producer.id(),
                            SignalingSession.unwrap(failure).getMessage());
                }
            });
        }
        for (ConsumerClient consumer : List.copyOf(media.consumers.values())) {
            consumer.dump().whenComplete((dump, failure) -> {
                if (isNotFound(failure)) {
                    onConsumerClosedByWorker(consumer.id());
                } else if (dump != null) {
                    onConsumerProducerPaused(consumer.id(), dump.getProducerPaused());
                    if (!consumer.type().equals("simple")) {
                        onConsumerLayersChanged(consumer.id(), dump.hasCurrentLayers()
                                ? Optional.of(dump.getCurrentLayers()) : Optional.empty());
                    }
                } else {
                    log.warn("peer {}: re-reading consumer {} failed: {}", session.peerId(), consumer.id(),
                            SignalingSession.unwrap(failure).getMessage());
                }
            });
        }
    }

    private static boolean isNotFound(Throwable failure) {
        return failure != null && SignalingSession.unwrap(failure) instanceof SluiceRequestException worker
                && worker.code() == ErrorCode.NOT_FOUND;
    }
}
