package io.sluice.orchestrator.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.api.v1.SctpStreamParameters;
import io.sluice.orchestrator.client.DataConsumerClient;
import io.sluice.orchestrator.client.DataProducerClient;
import io.sluice.orchestrator.client.RouterClient;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One session's DataChannels (docs/signaling.md, "DataChannels"), as mediasoup's demo relays them:
 * the browser's {@code produceData} becomes a data producer that the room's other peers are told of
 * ({@code newDataProducer}, and in the join answer), each consumes it with {@code consumeData} on
 * its receive transport, and when it closes their data consumers close and they are told
 * ({@code dataConsumerClosed}). Data producers count against the peer's producer limit and data
 * consumers against its consumer limit, separately from its media ones. Data producers are
 * consumed on the router they were made on only: a room spread over several workers does not pipe
 * them, and a detached session's DataChannels are not restored by a resume.
 */
final class PeerData {

    private final SignalingSession session;
    private final Rooms rooms;
    private final SignalingLimits limits;
    private final Map<String, DataProducerClient> dataProducers = new ConcurrentHashMap<>();
    private final Map<String, DataConsumerClient> dataConsumers = new ConcurrentHashMap<>();
    private final AtomicInteger pendingDataProducers = new AtomicInteger();
    private final AtomicInteger pendingDataConsumers = new AtomicInteger();

    PeerData(SignalingSession session, Rooms rooms, SignalingLimits limits) {
        this.session = session;
        this.rooms = rooms;
        this.limits = limits;
    }

    /** The room's data producers, for the join answer: every one, the peer's own excluded by the browser. */
    static void describe(Room room, String peerId, ObjectNode response) {
        var existing = response.putArray("dataProducers");
        room.data().dataProducers().stream().filter(published -> !published.peerId().equals(peerId))
                .forEach(published -> existing.add(json(published)));
    }

    /** {@code produceData}: {@code {transportId, sctpStreamParameters, label, protocol}} → {@code {id}}. */
    CompletableFuture<JsonNode> produceData(PeerMedia.OwnedTransport transport, JsonNode data) {
        if (!transport.sending()) {
            throw new SignalingException(SignalingException.FAILED_PRECONDITION, "produceData on a recv transport");
        }
        SctpStreamParameters stream = streamParameters(data.get("sctpStreamParameters"));
        String label = optionalText(data, "label");
        String protocol = optionalText(data, "protocol");
        Room joined = session.room();
        RouterClient own = session.router();
        int joinedGeneration = session.generation();
        PeerMediaRequests.reserve(pendingDataProducers, dataProducers.size(), limits.producersPerPeer(), "data producers");
        return PeerMediaRequests.released(pendingDataProducers, transport.client().produceData(stream, label, protocol)
                .thenApply(dataProducer -> {
                    if (joinedGeneration != session.generation()) {
                        dataProducer.close();
                        throw SignalingSession.moved();
                    }
                    dataProducers.put(dataProducer.id(), dataProducer);
                    rooms.own(dataProducer.id(), session);
                    RoomData.PublishedDataProducer published = new RoomData.PublishedDataProducer(dataProducer.id(),
                            session.peerId(), session.userId(), own.id(), label, protocol);
                    joined.data().add(published);
                    for (SignalingSession other : joined.otherPeers(session.peerId())) {
                        other.notify("newDataProducer", json(published));
                    }
                    return SignalingJson.NODES.objectNode().put("id", dataProducer.id());
                }));
    }

    /**
     * {@code consumeData}: {@code {transportId, dataProducerId}} → what mediasoup-client's
     * {@code transport.consumeData} takes: {@code {id, dataProducerId, sctpStreamParameters, label, protocol}}.
     */
    CompletableFuture<JsonNode> consumeData(PeerMedia.OwnedTransport transport, JsonNode data) {
        if (transport.sending()) {
            throw new SignalingException(SignalingException.FAILED_PRECONDITION, "consumeData on a send transport");
        }
        String dataProducerId = SignalingJson.text(data, "dataProducerId", "consumeData");
        Room joined = session.room();
        RoomData.PublishedDataProducer published = joined.data().dataProducer(dataProducerId);
        if (published == null) {
            throw new SignalingException(SignalingException.NOT_FOUND,
                    "no data producer " + dataProducerId + " in this room");
        }
        if (!published.routerId().equals(transport.client().routerId())) {
            throw new SignalingException(SignalingException.FAILED_PRECONDITION,
                    "data producer " + dataProducerId + " is on another router of the room: data is not piped");
        }
        int joinedGeneration = session.generation();
        PeerMediaRequests.reserve(pendingDataConsumers, dataConsumers.size(), limits.consumersPerPeer(), "data consumers");
        return PeerMediaRequests.released(pendingDataConsumers, transport.client().consumeData(dataProducerId).thenApply(dataConsumer -> {
            if (joinedGeneration != session.generation()) {
                dataConsumer.close();
                throw SignalingSession.moved();
            }
            dataConsumers.put(dataConsumer.id(), dataConsumer);
            rooms.own(dataConsumer.id(), session);
            if (!joined.data().subscribe(dataProducerId, new RoomData.DataSubscription(dataConsumer.id(), session))) {
                dataConsumers.remove(dataConsumer.id());
                rooms.disown(dataConsumer.id());
                throw new SignalingException(SignalingException.NOT_FOUND, "data producer " + dataProducerId + " closed");
            }
            var info = dataConsumer.info();
            ObjectNode response = SignalingJson.NODES.objectNode();
            response.put("id", dataConsumer.id());
            response.put("dataProducerId", dataProducerId);
            response.set("sctpStreamParameters", json(info.getSctpStreamParameters()));
            response.put("label", info.getLabel());
            response.put("protocol", info.getProtocol());
            response.put("peerId", published.peerId());
            response.put("userId", published.userId());
            return response;
        }));
    }

    /** {@code closeDataProducer}: {@code {dataProducerId}}. */
    CompletableFuture<JsonNode> closeDataProducer(JsonNode data) {
        String dataProducerId = SignalingJson.text(data, "dataProducerId", "closeDataProducer");
        DataProducerClient dataProducer = dataProducers.remove(dataProducerId);
        if (dataProducer == null) {
            throw new SignalingException(SignalingException.NOT_FOUND,
                    "no data producer " + dataProducerId + " of this peer");
        }
        rooms.disown(dataProducerId);
        Room joined = session.room();
        return dataProducer.close().thenApply(ignored -> {
            announceClosed(joined, dataProducerId);
            return null;
        });
    }

    /** The worker closed one of this peer's data producers (its transport closed, or its router). */
    void onDataProducerClosedByWorker(String dataProducerId) {
        Room joined = session.room();
        if (dataProducers.remove(dataProducerId) != null) {
            rooms.disown(dataProducerId);
            if (joined != null) {
                announceClosed(joined, dataProducerId);
            }
            session.notify("dataProducerClosed", SignalingJson.NODES.objectNode().put("dataProducerId", dataProducerId));
        }
    }

    /** The worker closed one of this peer's data consumers (with its data producer or its transport). */
    void onDataConsumerClosedByWorker(String dataConsumerId) {
        DataConsumerClient dataConsumer = dataConsumers.get(dataConsumerId);
        if (dataConsumer != null) {
            dataConsumerClosed(dataConsumerId, dataConsumer.dataProducerId());
        }
    }

    /** The peer left: its transports closed, and with them everything here. */
    void left(Room joined) {
        for (String dataProducerId : List.copyOf(dataProducers.keySet())) {
            if (dataProducers.remove(dataProducerId) != null) {
                rooms.disown(dataProducerId);
                announceClosed(joined, dataProducerId);
            }
        }
        for (DataConsumerClient dataConsumer : List.copyOf(dataConsumers.values())) {
            forget(dataConsumer, joined);
        }
    }

    /** The room lost its router: forgets everything, as the session forgets its media. */
    void forgetAll() {
        dataProducers.keySet().forEach(rooms::disown);
        dataProducers.clear();
        dataConsumers.keySet().forEach(rooms::disown);
        dataConsumers.clear();
    }

    private void dataConsumerClosed(String dataConsumerId, String dataProducerId) {
        DataConsumerClient dataConsumer = dataConsumers.get(dataConsumerId);
        if (dataConsumer != null && forget(dataConsumer, session.room())) {
            session.notify("dataConsumerClosed", SignalingJson.NODES.objectNode()
                    .put("dataConsumerId", dataConsumerId).put("dataProducerId", dataProducerId));
        }
    }

    /** Drops a closed data consumer everywhere; false when another path already did. */
    private boolean forget(DataConsumerClient dataConsumer, Room joined) {
        if (dataConsumers.remove(dataConsumer.id()) == null) {
            return false;
        }
        rooms.disown(dataConsumer.id());
        if (joined != null) {
            joined.data().unsubscribe(dataConsumer.dataProducerId(), dataConsumer.id());
        }
        return true;
    }

    private void announceClosed(Room joined, String dataProducerId) {
        List<RoomData.DataSubscription> subscriptions = joined.data().remove(dataProducerId);
        ObjectNode closed = SignalingJson.NODES.objectNode().put("dataProducerId", dataProducerId);
        for (SignalingSession other : joined.otherPeers(session.peerId())) {
            other.notify("dataProducerClosed", closed);
        }
        for (RoomData.DataSubscription subscription : subscriptions) {
            subscription.owner().data().dataConsumerClosed(subscription.dataConsumerId(), dataProducerId);
        }
    }

    private static ObjectNode json(RoomData.PublishedDataProducer published) {
        return SignalingJson.NODES.objectNode().put("dataProducerId", published.dataProducerId())
                .put("peerId", published.peerId()).put("userId", published.userId())
                .put("label", published.label()).put("protocol", published.protocol());
    }

    private static ObjectNode json(SctpStreamParameters stream) {
        ObjectNode json = SignalingJson.NODES.objectNode();
        json.put("streamId", stream.getStreamId());
        json.put("ordered", !stream.hasOrdered() || stream.getOrdered());
        if (stream.hasMaxPacketLifeTime()) {
            json.put("maxPacketLifeTime", stream.getMaxPacketLifeTime());
        }
        if (stream.hasMaxRetransmits()) {
            json.put("maxRetransmits", stream.getMaxRetransmits());
        }
        return json;
    }

    /**
     * mediasoup-client's {@code sctpStreamParameters}: {@code streamId} (0..65534, RFC 8831 §6.4
     * leaves 65535 out), {@code ordered}, and at most one of {@code maxPacketLifeTime} and
     * {@code maxRetransmits} (RFC 8831 §6.1).
     */
    private static SctpStreamParameters streamParameters(JsonNode json) {
        if (json == null || !json.isObject()) {
            throw invalid("produceData.sctpStreamParameters: expected an object");
        }
        JsonNode streamId = json.get("streamId");
        if (streamId == null || !streamId.isIntegralNumber() || streamId.asInt() < 0 || streamId.asInt() > 65534) {
            throw invalid("produceData.sctpStreamParameters.streamId: expected an integer from 0 to 65534");
        }
        SctpStreamParameters.Builder stream = SctpStreamParameters.newBuilder().setStreamId(streamId.asInt());
        JsonNode ordered = json.get("ordered");
        if (ordered != null && !ordered.isNull()) {
            if (!ordered.isBoolean()) {
                throw invalid("produceData.sctpStreamParameters.ordered: expected a boolean");
            }
            stream.setOrdered(ordered.asBoolean());
        }
        optionalLimit(json, "maxPacketLifeTime").ifPresent(stream::setMaxPacketLifeTime);
        optionalLimit(json, "maxRetransmits").ifPresent(stream::setMaxRetransmits);
        if (stream.hasMaxPacketLifeTime() && stream.hasMaxRetransmits()) {
            throw invalid("produceData.sctpStreamParameters: maxPacketLifeTime and maxRetransmits exclude each other");
        }
        return stream.build();
    }

    private static Optional<Integer> optionalLimit(JsonNode json, String member) {
        JsonNode value = json.get(member);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isIntegralNumber() || value.asLong() < 0 || value.asLong() > 65535) {
            throw invalid("produceData.sctpStreamParameters." + member + ": expected an integer from 0 to 65535");
        }
        return Optional.of(value.asInt());
    }

    private static String optionalText(JsonNode data, String member) {
        JsonNode value = data.get(member);
        if (value == null || value.isNull()) {
            return "";
        }
        if (!value.isTextual()) {
            throw invalid("produceData." + member + ": expected a string");
        }
        return value.asText();
    }

    private static SignalingException invalid(String message) {
        return new SignalingException(SignalingException.INVALID_ARGUMENT, message);
    }
}
