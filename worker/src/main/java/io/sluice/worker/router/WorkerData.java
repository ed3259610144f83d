package io.sluice.worker.router;

import java.util.ArrayList;
import io.netty.buffer.Unpooled;
import io.sluice.worker.sctp.DataChannelPpid;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A worker's data producers and data consumers (mediasoup's DataProducer and DataConsumer) and its
 * direct transports: made on a WebRTC transport created with SCTP or on a direct transport,
 * indexed by id, and closed down the same ownership tree as producers and consumers: a transport's
 * data consumers and data producers close with it, a data producer's consumers with it
 * ("dataproducerclose", then "closed"), a router's direct transports with the router. Lives on the
 * worker's loop.
 */
public final class WorkerData {

    /** Label and protocol travel in DCEP's 16-bit length fields (RFC 8832 §5.1): no longer. */
    static final int MAX_LABEL_BYTES = 65535;

    private final EntityEvents events;
    private final Map<String, DataProducer> dataProducers = new HashMap<>();
    private final Map<String, DataConsumer> dataConsumers = new HashMap<>();
    private final Map<DataTransport, List<DataProducer>> producersByTransport = new HashMap<>();
    private final Map<DataTransport, List<DataConsumer>> consumersByTransport = new HashMap<>();
    private final Map<String, DirectTransport> directTransports = new LinkedHashMap<>();

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
        DataProducer producer = adopt(new DataProducer(UUID.randomUUID().toString(), transport, stream, label,
                protocol, paused, appData, transport.router().data()));
        sctp.addProducer(producer);
        return producer;
    }

    /** transport.produceData on a direct transport: the backend sends its messages ({@link #send}). */
    public DataProducer produceData(DirectTransport transport, String label, String protocol, boolean paused,
            Map<String, String> appData) throws SluiceException {
        checkLabel("label", label);
        checkLabel("protocol", protocol);
        return adopt(new DataProducer(UUID.randomUUID().toString(), transport, null, label, protocol, paused,
                appData, transport.router().data()));
    }

    private DataProducer adopt(DataProducer producer) {
        dataProducers.put(producer.id(), producer);
        producersByTransport.computeIfAbsent(producer.transport(), t -> new ArrayList<>()).add(producer);
        producer.transport().router().data().addDataProducer(producer);
        return producer;
    }

    /**
     * dataProducer.send: a message from the backend into a direct data producer, to all its consumers
     * as if an endpoint had sent it. Text (PPID 51) must be UTF-8 (RFC 8831 §6.5); an empty message
     * goes out as RFC 8831 §6.6 sends one (PPID 56 or 57 and one byte).
     */
    public void send(DataProducer producer, long payloadProtocolId, byte[] payload) throws SluiceException {
        if (!(producer.transport() instanceof DirectTransport direct)) {
            throw new SluiceException(SluiceException.Code.FAILED_PRECONDITION, "data producer " + producer.id()
                    + " is an SCTP one: only a direct transport's data producers take messages from the backend",
                    "data_producer_id");
        }
        if (payloadProtocolId != DataChannelPpid.STRING && payloadProtocolId != DataChannelPpid.BINARY) {
            throw SluiceException.invalid("ppid", "ppid " + payloadProtocolId + " is neither "
                    + DataChannelPpid.STRING + " (text) nor " + DataChannelPpid.BINARY + " (binary)");
        }
        if (payload.length > direct.maxMessageSize()) {
            throw SluiceException.invalid("payload", "a message of " + payload.length
                    + " bytes is over the direct transport's max_message_size of " + direct.maxMessageSize());
        }
        boolean text = payloadProtocolId == DataChannelPpid.STRING;
        if (text && !isUtf8(payload)) {
            throw SluiceException.invalid("payload", "a text message (ppid 51) must be UTF-8");
        }
        if (payload.length == 0) {
            producer.onMessage(DataChannelPpid.of(text, true), Unpooled.wrappedBuffer(new byte[] {0}));
        } else {
            producer.onMessage(payloadProtocolId, Unpooled.wrappedBuffer(payload));
        }
    }

    private static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /**
     * transport.consumeData: on the lowest free outgoing stream of {@code transport}, with the data
     * producer's ordering and reliability (a direct one's: ordered, reliable) unless {@code stream}
     * overrides them (its stream id is ignored).
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
        SctpStreamParameters given = stream != null ? stream : producer.streamParameters();
        // a direct data producer has no stream of its own: ordered and reliable, as mediasoup's
        SctpStreamParameters parameters = given == null ? new SctpStreamParameters(streamId, true, -1, -1)
                : given.onStream(streamId);
        DataConsumer consumer = adopt(new DataConsumer(UUID.randomUUID().toString(), transport, producer,
                parameters, paused, appData));
        sctp.addConsumer(consumer);
        return consumer;
    }

    /** transport.consumeData on a direct transport: the data producer's messages go to the backend. */
    public DataConsumer consumeData(DirectTransport transport, String dataProducerId, boolean paused,
            Map<String, String> appData) throws SluiceException {
        DataProducer producer = dataProducers.get(dataProducerId);
        if (producer == null || producer.transport().router() != transport.router()) {
            throw SluiceException.notFound("data producer", dataProducerId);
        }
        return adopt(new DataConsumer(UUID.randomUUID().toString(), transport, producer, null, paused, appData));
    }

    private DataConsumer adopt(DataConsumer consumer) {
        dataConsumers.put(consumer.id(), consumer);
        consumersByTransport.computeIfAbsent(consumer.transport(), t -> new ArrayList<>()).add(consumer);
        consumer.transport().router().data().addDataConsumer(consumer);
        return consumer;
    }

    /** router.createDirectTransport. */
    public DirectTransport createDirectTransport(Router router, int maxMessageSize, Map<String, String> appData)
            throws SluiceException {
        if (maxMessageSize < 1 || maxMessageSize > DirectTransport.MAX_MESSAGE_SIZE) {
            throw SluiceException.invalid("max_message_size", "max_message_size " + maxMessageSize
                    + " is outside 1.." + DirectTransport.MAX_MESSAGE_SIZE);
        }
        DirectTransport transport = new DirectTransport(UUID.randomUUID().toString(), router, maxMessageSize,
                appData, events::dataConsumerMessage);
        directTransports.put(transport.id(), transport);
        return transport;
    }

    public DirectTransport directTransport(String id) throws SluiceException {
        DirectTransport transport = directTransports.get(id);
        if (transport == null) {
            throw SluiceException.notFound("direct transport", id);
        }
        return transport;
    }

    /** Whether {@code id} names a live direct transport (transport.close serves every kind). */
    public boolean isDirectTransport(String id) {
        return directTransports.containsKey(id);
    }

    public void closeDirectTransport(String id) throws SluiceException {
        close(directTransport(id), CloseReason.REQUESTED);
    }

    /** A router closes: its direct transports with it (their data consumers, then data producers, ROUTER_CLOSED). */
    void closeRouter(Router router, CloseReason reason) {
        CloseReason transportReason = reason == CloseReason.WORKER_CLOSED ? reason : CloseReason.ROUTER_CLOSED;
        for (DirectTransport transport : List.copyOf(directTransports.values())) {
            if (transport.router() == router) {
                closeTransport(transport, CloseReason.ROUTER_CLOSED);
                close(transport, transportReason);
            }
        }
    }

    private void close(DirectTransport transport, CloseReason reason) {
        if (directTransports.remove(transport.id()) == null) {
            return;
        }
        closeTransport(transport, CloseReason.TRANSPORT_CLOSED);
        events.directTransportClosed(transport, reason);
    }

    public List<DirectTransport> directTransportsOf(Router router) {
        return directTransports.values().stream().filter(t -> t.router() == router).toList();
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

    public List<DataProducer> dataProducersOf(DataTransport transport) {
        return List.copyOf(producersByTransport.getOrDefault(transport, List.of()));
    }

    public List<DataConsumer> dataConsumersOf(DataTransport transport) {
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
        if (transport instanceof WebRtcTransport webRtc) {
            closeTransport((DataTransport) webRtc, reason);
        }
    }

    private void closeTransport(DataTransport transport, CloseReason reason) {
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
        if (producer.transport() instanceof WebRtcTransport webRtc) {
            webRtc.sctp().removeProducer(producer);
        }
        removeFrom(producersByTransport, producer.transport(), producer);
        events.dataProducerClosed(producer, reason);
    }

    private void close(DataConsumer consumer, CloseReason reason) {
        if (dataConsumers.remove(consumer.id()) == null) {
            return;
        }
        consumer.transport().router().data().removeDataConsumer(consumer);
        if (consumer.transport() instanceof WebRtcTransport webRtc) {
            webRtc.sctp().removeConsumer(consumer);
        }
        removeFrom(consumersByTransport, consumer.transport(), consumer);
        events.dataConsumerClosed(consumer, reason);
    }

    private static <T> void removeFrom(Map<DataTransport, List<T>> byTransport, DataTransport transport, T entity) {
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
        if (value.getBytes(StandardCharsets.UTF_8).length > MAX_LABEL_BYTES) {
            throw SluiceException.invalid(field, field + " is longer than " + MAX_LABEL_BYTES + " bytes");
        }
    }
}
