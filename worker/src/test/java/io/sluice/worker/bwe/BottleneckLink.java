package io.sluice.worker.bwe;

import java.util.ArrayDeque;
import java.util.Random;

/**
 * A bottleneck link for the estimator's tests: a drop-tail FIFO served at a capacity in bit/s,
 * then a fixed propagation delay, and optionally random loss before the queue (a lossy hop that
 * is not congested). Queueing delay and congestion loss are what the model's queue does with the
 * packets offered to it, never written by hand.
 */
final class BottleneckLink {

    record Delivery(int sequenceNumber, int size, long arrivalMicros) {
    }

    private final ArrayDeque<Delivery> inFlight = new ArrayDeque<>();
    private final Random random;
    private final long propagationMicros;
    private final long maxQueueMicros;
    private long capacityBps;
    private double randomLoss;
    /** A token bucket's depth in bytes (tc HTB's burst): what an idle link passes at once. */
    private long burstBytes;
    /** When the link is free again; "long ago" until the first packet, whatever the clock's origin. */
    private long busyUntilMicros = Long.MIN_VALUE;
    private long dropped;
    private long offered;

    BottleneckLink(long capacityBps, long propagationMicros, long maxQueueMicros, long seed) {
        this.capacityBps = capacityBps;
        this.propagationMicros = propagationMicros;
        this.maxQueueMicros = maxQueueMicros;
        this.random = new Random(seed);
    }

    void setCapacity(long bps) {
        capacityBps = bps;
    }

    /** Lets an idle link pass {@code bytes} at once, as a shaper's token bucket does. */
    void setBurst(long bytes) {
        burstBytes = bytes;
    }

    void setRandomLoss(double probability) {
        randomLoss = probability;
    }

    void offer(int sequenceNumber, int size, long nowMicros) {
        offered++;
        if (randomLoss > 0 && random.nextDouble() < randomLoss) {
            dropped++;
            return;
        }
        // The generic cell rate algorithm: busyUntil is the theoretical time the link is free; a
        // packet leaves once that lies within the burst's tolerance of now.
        long toleranceMicros = burstBytes * 8L * 1_000_000 / capacityBps;
        long free = Math.max(nowMicros, busyUntilMicros);
        long departure = Math.max(nowMicros, free - toleranceMicros);
        if (departure - nowMicros > maxQueueMicros) {
            dropped++;
            return;
        }
        busyUntilMicros = free + size * 8L * 1_000_000 / capacityBps;
        inFlight.add(new Delivery(sequenceNumber, size, Math.max(nowMicros, busyUntilMicros - toleranceMicros) + propagationMicros));
    }

    /** The next packet that has arrived by {@code nowMicros}, or null. */
    Delivery poll(long nowMicros) {
        Delivery next = inFlight.peek();
        return next != null && next.arrivalMicros() <= nowMicros ? inFlight.poll() : null;
    }

    long queueDelayMicros(long nowMicros) {
        return busyUntilMicros == Long.MIN_VALUE ? 0 : Math.max(0, busyUntilMicros - nowMicros);
    }

    long dropped() {
        return dropped;
    }

    long offered() {
        return offered;
    }
}
