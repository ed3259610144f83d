package io.sluice.orchestrator.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import io.sluice.api.v1.TransportConsumeResponse;
import io.sluice.api.v1.WebRtcTransportInfo;
import io.sluice.orchestrator.client.ConsumerClient;
import io.sluice.orchestrator.client.ProducerClient;
import io.sluice.orchestrator.client.RouterClient;
import io.sluice.orchestrator.client.TransportClient;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one peer owns on its room's router: its transports (each a sending or a receiving one),
 * producers and consumers, by the worker's ids. Looking up an id of another peer fails exactly as
 * an unknown id does, so no one can probe ids. It turns into the parts of a {@link SessionRecord}
 * and back (from the worker's creation replies, kept as protobuf bytes).
 */
final class PeerMedia {

    record OwnedTransport(TransportClient client, boolean sending) {}

    final Map<String, OwnedTransport> transports = new ConcurrentHashMap<>();
    final Map<String, ProducerClient> producers = new ConcurrentHashMap<>();
    final Map<String, ConsumerClient> consumers = new ConcurrentHashMap<>();

    /** The media a stored session owned, as clients of {@code router}. */
    static PeerMedia restore(SessionRecord record, RouterClient router) throws InvalidProtocolBufferException {
        PeerMedia media = new PeerMedia();
        Base64.Decoder base64 = Base64.getDecoder();
        for (Map.Entry<String, SessionRecord.StoredTransport> stored : record.transports().entrySet()) {
            TransportClient transport = router.transport(WebRtcTransportInfo.parseFrom(
                    base64.decode(stored.getValue().created())));
            media.transports.put(stored.getKey(), new OwnedTransport(transport, stored.getValue().sending()));
        }
        // Producer and consumer clients need only the worker: any of the peer's transports makes them.
        TransportClient any = media.transports.values().stream().findFirst().map(OwnedTransport::client).orElse(null);
        if (any != null) {
            record.producers().forEach((producerId, kind) -> media.producers.put(producerId,
                    any.producer(producerId, SignalingJson.kind(kind))));
            for (Map.Entry<String, SessionRecord.StoredConsumer> stored : record.consumers().entrySet()) {
                media.consumers.put(stored.getKey(), any.consumer(stored.getValue().producerId(),
                        TransportConsumeResponse.parseFrom(base64.decode(stored.getValue().created()))));
            }
        }
        return media;
    }

    OwnedTransport transport(JsonNode data) {
        String transportId = SignalingJson.text(data, "transportId", "transport");
        OwnedTransport transport = transports.get(transportId);
        if (transport == null) {
            throw new SignalingException(SignalingException.NOT_FOUND, "no transport " + transportId + " of this peer");
        }
        return transport;
    }

    ConsumerClient consumer(JsonNode data) {
        String consumerId = SignalingJson.text(data, "consumerId", "consumer");
        ConsumerClient consumer = consumers.get(consumerId);
        if (consumer == null) {
            throw new SignalingException(SignalingException.NOT_FOUND, "no consumer " + consumerId + " of this peer");
        }
        return consumer;
    }

    ProducerClient producer(JsonNode data) {
        String producerId = SignalingJson.text(data, "producerId", "producer");
        ProducerClient producer = producers.get(producerId);
        if (producer == null) {
            throw new SignalingException(SignalingException.NOT_FOUND, "no producer " + producerId + " of this peer");
        }
        return producer;
    }

    /** Every id the peer owns (transports, producers, consumers). */
    Iterable<String> ids() {
        java.util.List<String> ids = new java.util.ArrayList<>(transports.keySet());
        ids.addAll(producers.keySet());
        ids.addAll(consumers.keySet());
        return ids;
    }

    /** The resume response's {@code transports}, {@code ownProducers} and {@code consumers}. */
    void describe(ObjectNode response) {
        ArrayNode ownTransports = response.putArray("transports");
        transports.forEach((id, transport) -> ownTransports.addObject().put("id", id)
                .put("direction", transport.sending() ? "send" : "recv"));
        ArrayNode ownProducers = response.putArray("ownProducers");
        producers.forEach((id, producer) -> ownProducers.addObject().put("id", id)
                .put("kind", SignalingJson.kindName(producer.kind())));
        ArrayNode ownConsumers = response.putArray("consumers");
        consumers.forEach((id, consumer) -> ownConsumers.addObject().put("id", id)
                .put("producerId", consumer.producerId()));
    }

    Map<String, SessionRecord.StoredTransport> storedTransports() {
        Base64.Encoder base64 = Base64.getEncoder();
        Map<String, SessionRecord.StoredTransport> stored = new HashMap<>();
        transports.forEach((id, transport) -> stored.put(id, new SessionRecord.StoredTransport(
                transport.sending(), base64.encodeToString(transport.client().createdInfo().toByteArray()))));
        return stored;
    }

    Map<String, String> storedProducers() {
        Map<String, String> stored = new HashMap<>();
        producers.forEach((id, producer) -> stored.put(id, SignalingJson.kindName(producer.kind())));
        return stored;
    }

    Map<String, SessionRecord.StoredConsumer> storedConsumers() {
        Base64.Encoder base64 = Base64.getEncoder();
        Map<String, SessionRecord.StoredConsumer> stored = new HashMap<>();
        consumers.forEach((id, consumer) -> stored.put(id, new SessionRecord.StoredConsumer(
                consumer.producerId(), base64.encodeToString(consumer.created().toByteArray()))));
        return stored;
    }
}
