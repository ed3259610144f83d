package io.sluice.worker.router;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A worker's data producers and data consumers (mediasoup's DataProducer and DataConsumer over
 * SCTP): made on a WebRTC transport created with SCTP, indexed by id, and closed down the same
 * ownership tree as producers and consumers: a transport's data consumers and data producers
 * close with it, a data producer's consumers with it ("dataproducerclose", then "closed"). Lives
 * on the worker's loop.
 */
public final class WorkerData {

    /** Label and protocol travel in DCEP's 16-bit length fields (RFC 8832 §5.1): no longer. */
    static final int MAX_LABEL_BYTES = 65535;

    private final EntityEvents events;
    private final Map<String, DataProducer> dataProducers = new HashMap<>();
    private final Map<String, DataConsumer> dataConsumers = new HashMap<>();
    private final Map<Transport, List<DataProducer>> producersByTransport = new HashMap<>();
    private final Map<Transport, List<DataConsumer>> consumersByTransport = new HashMap<>();

    WorkerData(EntityEvents events) {
        this.events = events;
    }

    /** transport.produceData: nothing is made when the request is refused. */
    public DataProducer produceData(WebRtcTransport transport, SctpStreamParameters stream, String label,
            String protocol, boolean paused, Map<String, String> appData) throws SluiceException {
        TransportSctp sctp = sctpOf(transport);
        checkLabel("label", label);
        checkLabel("protocol", protocol);
        if (!sctp.acceptsIncomingStream(stream.streamId())) {
            throw SluiceException.invalid("sctp_stream_parameters.stream_id", "stream " + stream.streamId()
                    + " is beyond the transport's " + sctp.settings().inboundStreams() + " incoming streams (MIS)");
        }
        if (sctp.producerOn(stream.streamId()) != null) {
            throw new SluiceException(SluiceException.Code.ALREADY_EXISTS, "stream " + stream.streamId()
                    + " of transport " + transport.id() + " has a data producer already",
                    "sctp_stream_parameters.stream_id");
        }
        RouterData routing = transport.router().data();
        DataProducer producer = new DataProducer(UUID.randomUUID().toString(), transport, stream, label, protocol,
                paused, appData, routing);
        dataProducers.put(producer.id(), producer);
        producersByTransport.computeIfAbsent(transport, t -> new ArrayList<>()).add(producer);
        sctp.addProducer(producer);
        routing.addDataProducer(producer);
        return producer;
    }

    /**
     * transport.consumeData: on the lowest free outgoing stream of {@code transport}, with the data
     * producer's ordering and reliability unless {@code stream} overrides them (its stream id is
     * ignored).
     *
     * @param stream null to take the data producer's
     */
    public DataConsumer consumeData(WebRtcTransport transport, String dataProducerId, SctpStreamParameters stream,
            boolean paused, Map<String, String> appData) throws SluiceException {
        TransportSctp sctp = sctpOf(transport);
        DataProducer producer = dataProducers.get(dataProducerId);
        if (producer == null || producer.transport().router() != transport.router()) {
            throw SluiceException.notFound("data producer", dataProducerId);
        }
        int streamId = sctp.freeOutgoingStream();
        if (streamId < 0) {
            throw new SluiceException(SluiceException.Code.RESOURCE_EXHAUSTED, "transport " + transport.id()
                    + " has no free SCTP stream (" + sctp.settings().outboundStreams() + " outgoing, OS)");
        }
        SctpStreamParameters parameters = (stream == null ? producer.streamParameters() : stream).onStream(streamId);
        DataConsumer consumer = new DataConsumer(UUID.randomUUID().toString(), transport, producer, parameters,
                paused, appData);
        dataConsumers.put(consumer.id(), consumer);
        consumersByTransport.computeIfAbsent(transport, t -> new ArrayList<>()).add(consumer);
        sctp.addConsumer(consumer);
        transport.router().data().addDataConsumer(consumer);
        return consumer;
    }

    public DataProducer dataProducer(String id) throws SluiceException {
        DataProducer producer = dataProducers.get(id);
        if (producer == null) {
            throw SluiceException.notFound("data producer", id);
        }
        return producer;
    }

    public DataConsumer dataConsumer(String id) throws SluiceException {
        DataConsumer consumer = dataConsumers.get(id);
        if (consumer == null) {
            throw SluiceException.notFound("data consumer", id);
        }
        return consumer;
    }

    /** Its data consumers, in creation order. */
    public List<DataConsumer> consumersOf(DataProducer producer) {
        return producer.transport().router().data().consumersOf(producer);
    }

    public List<DataProducer> dataProducersOf(Transport transport) {
        return List.copyOf(producersByTransport.getOrDefault(transport, List.of()));
    }

    public List<DataConsumer> dataConsumersOf(Transport transport) {
        return List.copyOf(consumersByTransport.getOrDefault(transport, List.of()));
    }

    public void pause(DataProducer producer) {
        producer.setPaused(true);
    }

    public void resume(DataProducer producer) {
        producer.setPaused(false);
    }

    public void pause(DataConsumer consumer) {
        consumer.setPaused(true);
    }

    public void resume(DataConsumer consumer) {
        consumer.setPaused(false);
    }

    public void setBufferedAmountLowThreshold(DataConsumer consumer, long threshold) {
        consumer.setBufferedAmountLowThreshold(threshold);
    }

    public void closeDataProducer(String id) throws SluiceException {
        close(dataProducer(id), CloseReason.REQUESTED);
    }

    public void closeDataConsumer(String id) throws SluiceException {
        close(dataConsumer(id), CloseReason.REQUESTED);
    }

    public int dataProducerCount() {
        return dataProducers.size();
    }

    public int dataConsumerCount() {
        return dataConsumers.size();
    }

    /** Before the transport itself closes: its data consumers, then its data producers. */
    void closeTransport(Transport transport, CloseReason reason) {
        for (DataConsumer consumer : dataConsumersOf(transport)) {
            close(consumer, reason);
        }
        for (DataProducer producer : dataProducersOf(transport)) {
            close(producer, reason);
        }
        consumersByTransport.remove(transport);
        producersByTransport.remove(transport);
    }

    private void close(DataProducer producer, CloseReason reason) {
        if (dataProducers.remove(producer.id()) == null) {
            return;
        }
        for (DataConsumer consumer : consumersOf(producer)) {
            events.dataConsumerDataProducerClosed(consumer);
            close(consumer, CloseReason.PRODUCER_CLOSED);
        }
        producer.transport().router().data().removeDataProducer(producer);
        producer.transport().sctp().removeProducer(producer);
        removeFrom(producersByTransport, producer.transport(), producer);
        events.dataProducerClosed(producer, reason);
    }

    private void close(DataConsumer consumer, CloseReason reason) {
        if (dataConsumers.remove(consumer.id()) == null) {
            return;
        }
        consumer.transport().router().data().removeDataConsumer(consumer);
        consumer.transport().sctp().removeConsumer(consumer);
        removeFrom(consumersByTransport, consumer.transport(), consumer);
        events.dataConsumerClosed(consumer, reason);
    }

    private static <T> void removeFrom(Map<Transport, List<T>> byTransport, Transport transport, T entity) {
        List<T> list = byTransport.get(transport);
        if (list != null) {
            list.remove(entity);
        }
    }

    private static TransportSctp sctpOf(WebRtcTransport transport) throws SluiceException {
        TransportSctp sctp = transport.sctp();
        if (sctp == null) {
            throw new SluiceException(SluiceException.Code.FAILED_PRECONDITION,
                    "transport " + transport.id() + " was created without enable_sctp", "transport_id");
        }
        return sctp;
    }

    private static void checkLabel(String field, String value) throws SluiceException {
        if (value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_LABEL_BYTES) {
            throw SluiceException.invalid(field, field + " is longer than " + MAX_LABEL_BYTES + " bytes");
        }
    }
}
