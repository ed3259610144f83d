package io.sluice.worker.router;

import io.sluice.worker.net.FlushBatch;
import io.sluice.worker.rtp.RtpPacket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A router's media graph: its producers, each one's consumers, and its plain transports. The
 * fan-out runs on the router's loop with no locks: a producer's packet goes to each consumer of it
 * in turn, and each consumer copies what it sends, so the producer's buffer is never shared
 * beyond the call. The consumers' writes are flushed together at the end ({@link FlushBatch}):
 * one flush per socket touched, so a socket's datagrams leave in one {@code sendmmsg}.
 */
public final class RouterMedia implements Producer.Listener {

    private static final Consumer[] NONE = new Consumer[0];

    private final WorkerMedia owner;
    private final Router router;
    private final Map<String, Producer> producers = new LinkedHashMap<>();
    private final Map<Producer, Consumer[]> consumersByProducer = new HashMap<>();
    private final Map<String, PlainTransport> plainTransports = new LinkedHashMap<>();

    RouterMedia(WorkerMedia owner, Router router) {
        this.owner = owner;
        this.router = router;
    }

    public Router router() {
        return router;
    }

    void addProducer(Producer producer) {
        producers.put(producer.id(), producer);
        consumersByProducer.put(producer, NONE);
    }

    void removeProducer(Producer producer) {
        producers.remove(producer.id());
        consumersByProducer.remove(producer);
    }

    Producer producer(String producerId) {
        return producers.get(producerId);
    }

    void addConsumer(Consumer consumer) {
        Consumer[] current = consumersByProducer.getOrDefault(consumer.producer(), NONE);
        Consumer[] grown = Arrays.copyOf(current, current.length + 1);
        grown[current.length] = consumer;
        consumersByProducer.put(consumer.producer(), grown);
    }

    void removeConsumer(Consumer consumer) {
        Consumer[] current = consumersByProducer.get(consumer.producer());
        if (current == null) {
            return;
        }
        List<Consumer> kept = new ArrayList<>(Arrays.asList(current));
        kept.remove(consumer);
        consumersByProducer.put(consumer.producer(), kept.toArray(NONE));
    }

    /** The consumers of {@code producer}, in creation order. */
    List<Consumer> consumersOf(Producer producer) {
        return List.of(consumersByProducer.getOrDefault(producer, NONE));
    }

    void addPlainTransport(PlainTransport transport) {
        plainTransports.put(transport.id(), transport);
    }

    void removePlainTransport(PlainTransport transport) {
        plainTransports.remove(transport.id());
    }

    Collection<PlainTransport> plainTransports() {
        return Collections.unmodifiableCollection(plainTransports.values());
    }

    public Collection<String> producerIds() {
        return Collections.unmodifiableCollection(producers.keySet());
    }

    public List<String> consumerIds() {
        List<String> ids = new ArrayList<>();
        for (Consumer[] consumers : consumersByProducer.values()) {
            for (Consumer consumer : consumers) {
                ids.add(consumer.id());
            }
        }
        return ids;
    }

    public Collection<String> plainTransportIds() {
        return Collections.unmodifiableCollection(plainTransports.keySet());
    }

    @Override
    public void onProducerRtp(Producer producer, int stream, RtpPacket packet) {
        Consumer[] consumers = consumersByProducer.get(producer);
        if (consumers == null) {
            return;
        }
        FlushBatch flushes = FlushBatch.current();
        flushes.open();
        try {
            for (Consumer consumer : consumers) {
                consumer.send(stream, packet);
            }
        } finally {
            flushes.close();
        }
    }

    @Override
    public void onProducerPaused(Producer producer) {
        for (Consumer consumer : consumersOf(producer)) {
            consumer.onProducerPaused();
            owner.emitProducerPaused(consumer);
        }
    }

    @Override
    public void onProducerResumed(Producer producer) {
        for (Consumer consumer : consumersOf(producer)) {
            consumer.onProducerResumed();
            owner.emitProducerResumed(consumer);
        }
    }

    @Override
    public void onProducerStreamActivity(Producer producer, int stream, boolean active) {
        for (Consumer consumer : consumersOf(producer)) {
            consumer.onProducerStreamActivity(stream, active);
        }
    }

    /** The router is closing: its producers, consumers and plain transports close first. */
    public void close() {
        owner.closeRouterMedia(this);
    }
}
