package io.sluice.orchestrator.signaling;

import io.sluice.orchestrator.client.RouterClient;
import io.sluice.orchestrator.client.RtpObserverClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The peers of one room on its router, the producers they publish and who consumes them. Shared
 * by the sessions of the room's peers (each on its own Netty channel): every method holds the
 * room's monitor, and none calls out while holding it (signaling rate, not packet rate).
 */
final class Room {

    /** A producer some peer of the room publishes; {@code userId} from the peer's join token, for labels. */
    record PublishedProducer(String producerId, String peerId, String userId, String kind) {}

    /** A consumer of a producer, owned by one session. */
    record Subscription(String consumerId, SignalingSession owner) {}

    private final String roomId;
    private final RouterClient router;
    private final RoomSpread spread;
    private final RoomData data = new RoomData();
    private final Map<String, SignalingSession> peers = new LinkedHashMap<>();
    private final Map<String, PublishedProducer> producers = new LinkedHashMap<>();
    private final Map<String, List<Subscription>> subscriptionsByProducer = new LinkedHashMap<>();
    /** The router's active speaker observer, looked up once; null until asked, or after a failed lookup. */
    private CompletableFuture<RtpObserverClient> activeSpeaker;

    Room(String roomId, RouterClient router) {
        this.roomId = roomId;
        this.router = router;
        this.spread = new RoomSpread(router);
    }

    String id() {
        return roomId;
    }

    /** The room's home router: the placement's, whose active speaker observer hears the room. */
    RouterClient router() {
        return router;
    }

    /** The room's routers on every worker it spread to, with their peers and pipes. */
    RoomSpread spread() {
        return spread;
    }

    /** The room's data producers and their data consumers. */
    RoomData data() {
        return data;
    }

    /** The active speaker observer of the room's router (found, or made when it has none). */
    synchronized CompletableFuture<RtpObserverClient> activeSpeaker() {
        if (activeSpeaker == null || activeSpeaker.isCompletedExceptionally()) {
            activeSpeaker = router.activeSpeakerObserver();
        }
        return activeSpeaker;
    }

    synchronized int peerCount() {
        return peers.size();
    }

    synchronized void addPeer(SignalingSession session) {
        peers.put(session.peerId(), session);
    }

    /** Removes the peer; true when the room is now empty. */
    synchronized boolean removePeer(String peerId) {
        peers.remove(peerId);
        return peers.isEmpty();
    }

    synchronized List<SignalingSession> otherPeers(String peerId) {
        List<SignalingSession> others = new ArrayList<>();
        peers.forEach((id, session) -> {
            if (!id.equals(peerId)) {
                others.add(session);
            }
        });
        return others;
    }

    synchronized List<SignalingSession> peers() {
        return List.copyOf(peers.values());
    }

    synchronized List<PublishedProducer> producers() {
        return List.copyOf(producers.values());
    }

    synchronized PublishedProducer producer(String producerId) {
        return producers.get(producerId);
    }

    synchronized void addProducer(PublishedProducer producer) {
        producers.put(producer.producerId(), producer);
        subscriptionsByProducer.put(producer.producerId(), new ArrayList<>());
    }

    /** Forgets a closed producer; answers the consumers that the worker closed with it. */
    synchronized List<Subscription> removeProducer(String producerId) {
        producers.remove(producerId);
        spread.forgetProducer(producerId);
        List<Subscription> subscriptions = subscriptionsByProducer.remove(producerId);
        return subscriptions == null ? List.of() : subscriptions;
    }

    /** Records a consumer; false when its producer closed meanwhile. */
    synchronized boolean addSubscription(String producerId, Subscription subscription) {
        List<Subscription> subscriptions = subscriptionsByProducer.get(producerId);
        if (subscriptions == null) {
            return false;
        }
        subscriptions.add(subscription);
        return true;
    }

    synchronized void removeSubscription(String producerId, String consumerId) {
        List<Subscription> subscriptions = subscriptionsByProducer.get(producerId);
        if (subscriptions != null) {
            subscriptions.removeIf(subscription -> subscription.consumerId().equals(consumerId));
        }
    }
}
