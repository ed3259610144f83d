package io.sluice.worker.router;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which data consumers each data producer's messages go to, in one router (mediasoup's
 * Router::mapDataProducerDataConsumers): every message goes to every live consumer, each with its
 * own stream's ordering and reliability. Lives on the router's loop.
 */
final class RouterData implements DataProducer.Listener {

    private final Map<DataProducer, List<DataConsumer>> consumers = new HashMap<>();

    void addDataProducer(DataProducer producer) {
        consumers.put(producer, new ArrayList<>());
    }

    void removeDataProducer(DataProducer producer) {
        consumers.remove(producer);
    }

    void addDataConsumer(DataConsumer consumer) {
        consumers.get(consumer.dataProducer()).add(consumer);
    }

    void removeDataConsumer(DataConsumer consumer) {
        List<DataConsumer> of = consumers.get(consumer.dataProducer());
        if (of != null) {
            of.remove(consumer);
        }
    }

    /** Its consumers, in creation order (a copy). */
    List<DataConsumer> consumersOf(DataProducer producer) {
        List<DataConsumer> of = consumers.get(producer);
        return of == null ? List.of() : List.copyOf(of);
    }

    @Override
    public void onDataProducerMessage(DataProducer producer, long payloadProtocolId, ByteBuf payload) {
        List<DataConsumer> of = consumers.get(producer);
        if (of == null) {
            return;
        }
        for (int i = 0; i < of.size(); i++) {
            of.get(i).send(payloadProtocolId, payload);
        }
    }
}
