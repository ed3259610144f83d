package io.sluice.worker.router;

import io.sluice.worker.net.FlushBatch;
import io.sluice.worker.router.observer.RtpObservers;
import io.sluice.worker.rtp.RtpPacket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A router's media graph: each producer's consumers (the producers and consumers themselves are
 * owned by their transports). The
 * fan-out runs on the router's loop with no locks: a producer's packet goes to each consumer of it
 * in turn, and each consumer copies what it sends, so the producer's buffer is never shared
 * beyond the call. The router's RTP observers read each packet's audio level first. The consumers' writes are flushed together at the end ({@link FlushBatch}):
 * one flush per socket touched, so a socket's datagrams leave in one {@code sendmmsg}. While the
 * loop is overloaded, a packet that waited too long before the loop read it is not fanned out
 * ({@link LoopOverload}).
 */
public final class RouterMedia implements Producer.Listener {

    private static final Consumer[] NONE = new Consumer[0];

    private final EntityEvents events;
    private final RtpObservers observers;
    private final LoopOverload overload;
    /** In the producers' creation order, each one's consumers in theirs. */
    private final Map<Producer, Consumer[]> consumersByProducer = new LinkedHashMap<>();

    RouterMedia(EntityEvents events, RtpObservers observers, LoopOverload overload) {
        this.events = events;
        this.observers = observers;
        this.overload = overload;
    }

    void addProducer(Producer producer) {
        consumersByProducer.put(producer, NONE);
    }

    void removeProducer(Producer producer) {
        consumersByProducer.remove(producer);
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

    /** Every consumer of the router, each producer's in creation order. */
    List<Consumer> consumers() {
        List<Consumer> all = new ArrayList<>();
        for (Consumer[] consumers : consumersByProducer.values()) {
            all.addAll(Arrays.asList(consumers));
        }
        return all;
    }

    List<String> producerIds() {
        List<String> ids = new ArrayList<>();
        for (Producer producer : consumersByProducer.keySet()) {
            ids.add(producer.id());
        }
        return ids;
    }

    List<String> consumerIds() {
        List<String> ids = new ArrayList<>();
        for (Consumer[] consumers : consumersByProducer.values()) {
            for (Consumer consumer : consumers) {
                ids.add(consumer.id());
            }
        }
        return ids;
    }

    @Override
    public void onProducerRtp(Producer producer, int stream, RtpPacket packet) {
        observers.onProducerRtp(producer, packet);
        Consumer[] consumers = consumersByProducer.get(producer);
        if (consumers == null || overload.dropsLate(producer.transport().inputDelayMs(producer, stream))) {
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
        observers.onProducerPaused(producer, true);
        for (Consumer consumer : consumersOf(producer)) {
            consumer.onProducerPaused();
            events.consumerProducerPaused(consumer);
        }
    }

    @Override
    public void onProducerResumed(Producer producer) {
        observers.onProducerPaused(producer, false);
        for (Consumer consumer : consumersOf(producer)) {
            consumer.onProducerResumed();
            events.consumerProducerResumed(consumer);
        }
    }

    @Override
    public void onProducerStreamActivity(Producer producer, int stream, boolean active) {
        for (Consumer consumer : consumersOf(producer)) {
            consumer.onProducerStreamActivity(stream, active);
        }
    }
}
