package io.sluice.orchestrator.signaling;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The data producers (DataChannels) the peers of one room publish, and the data consumers made of
 * them. Shared by the room's sessions: every method holds this object's monitor and none calls
 * out while holding it.
 */
final class RoomData {

    /** A data producer of a peer, on the router of the peer's transports. */
    record PublishedDataProducer(String dataProducerId, String peerId, String userId, String routerId,
            String label, String protocol) {}

    /** A data consumer of a data producer, owned by one session. */
    record DataSubscription(String dataConsumerId, SignalingSession owner) {}

    private final Map<String, PublishedDataProducer> dataProducers = new LinkedHashMap<>();
    private final Map<String, List<DataSubscription>> subscriptions = new LinkedHashMap<>();

    synchronized List<PublishedDataProducer> dataProducers() {
        return List.copyOf(dataProducers.values());
    }

    synchronized PublishedDataProducer dataProducer(String dataProducerId) {
        return dataProducers.get(dataProducerId);
    }

    synchronized void add(PublishedDataProducer dataProducer) {
        dataProducers.put(dataProducer.dataProducerId(), dataProducer);
        subscriptions.put(dataProducer.dataProducerId(), new ArrayList<>());
    }

    /** Forgets a closed data producer; answers the data consumers the worker closed with it. */
    synchronized List<DataSubscription> remove(String dataProducerId) {
        dataProducers.remove(dataProducerId);
        List<DataSubscription> removed = subscriptions.remove(dataProducerId);
        return removed == null ? List.of() : removed;
    }

    /** Records a data consumer; false when its data producer closed meanwhile. */
    synchronized boolean subscribe(String dataProducerId, DataSubscription subscription) {
        List<DataSubscription> existing = subscriptions.get(dataProducerId);
        if (existing == null) {
            return false;
        }
        existing.add(subscription);
        return true;
    }

    synchronized void unsubscribe(String dataProducerId, String dataConsumerId) {
        List<DataSubscription> existing = subscriptions.get(dataProducerId);
        if (existing != null) {
            existing.removeIf(subscription -> subscription.dataConsumerId().equals(dataConsumerId));
        }
    }
}
