package io.sluice.worker.pipe;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.PlatformDependent;
import io.sluice.worker.time.Clock;
import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One direction of an in-process pipe: hands pooled packets from the upstream event loop to the
 * downstream one through a bounded lock-free queue, without copying them. The upstream loop
 * {@link #offer}s a packet and carries on: when the queue is full the packet is released and
 * counted, never waited for. The downstream loop drains the queue in a task scheduled at most once
 * at a time (one wake-up per burst, not per packet) and gives each packet to its {@link Receiver},
 * then releases it. Nothing is allocated per packet. Ownership is in this package's
 * {@code package-info}.
 *
 * <p>It also tells the downstream loop how long the packet it delivers waited in the hand-off
 * ({@link #waitMs}): that loop's overload handling judges a piped packet by the wait it added,
 * not by the upstream loop's, which the upstream loop has judged already. The wait is measured
 * from the offer that scheduled the drain (one clock reading per burst, not per packet).
 */
public final class LoopHandoff {

    /** The downstream end: takes each packet on the downstream loop, for the duration of the call only. */
    @FunctionalInterface
    public interface Receiver {
        void onPacket(ByteBuf packet);
    }

    /** Packets in flight per direction: about 100 ms of a 10 Mbit/s pipe at 1200 bytes a packet. */
    public static final int DEFAULT_CAPACITY = 1024;

    private final EventExecutor downstream;
    private final Queue<ByteBuf> queue;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drain = this::drain;
    private final Clock clock;
    /** When the offer that scheduled the pending drain was made; written before the drain is scheduled. */
    private volatile long drainScheduledAtMs;
    /** Null once closed: what is still queued or offered later is released undelivered. */
    private volatile Receiver receiver;
    // Upstream loop only.
    private long handedOver;
    private long dropped;
    // Downstream loop only.
    private long delivered;
    private long burstOfferedAtMs;

    public LoopHandoff(EventExecutor downstream, int capacity, Clock clock, Receiver receiver) {
        this.downstream = downstream;
        this.clock = clock;
        this.queue = PlatformDependent.newFixedMpscQueue(capacity);
        this.receiver = receiver;
    }

    /**
     * On the upstream loop: takes ownership of {@code packet} (its readable bytes are what the
     * downstream end receives). Returns false when the queue is full or the downstream end is
     * closed: the packet is then released and counted as dropped.
     */
    public boolean offer(ByteBuf packet) {
        if (receiver == null || !queue.offer(packet)) {
            packet.release();
            dropped++;
            return false;
        }
        handedOver++;
        if (drainScheduled.compareAndSet(false, true)) {
            drainScheduledAtMs = clock.monotonicMillis();
            try {
                downstream.execute(drain);
            } catch (RejectedExecutionException loopGone) {
                // The downstream loop has terminated: nobody else polls the queue any more.
                releaseQueued();
            }
        }
        return true;
    }

    // On the downstream loop. The flag is cleared before polling, so a packet offered meanwhile
    // schedules another drain rather than waiting in the queue.
    private void drain() {
        burstOfferedAtMs = drainScheduledAtMs;
        drainScheduled.set(false);
        ByteBuf packet;
        while ((packet = queue.poll()) != null) {
            try {
                Receiver to = receiver;
                if (to != null) {
                    delivered++;
                    to.onPacket(packet);
                }
            } finally {
                packet.release();
            }
        }
    }

    /**
     * On the downstream loop, during a {@link Receiver} call: how long the packet being delivered
     * has waited since it was handed over, at most (since the first offer of its burst).
     */
    public long waitMs() {
        return Math.max(0, clock.monotonicMillis() - burstOfferedAtMs);
    }

    /** On the downstream loop: delivers nothing more and releases what is queued; later offers are released. */
    public void close() {
        assert downstream.inEventLoop();
        receiver = null;
        releaseQueued();
    }

    private void releaseQueued() {
        ByteBuf packet;
        while ((packet = queue.poll()) != null) {
            packet.release();
        }
    }

    /** Upstream loop: packets handed over. */
    public long handedOver() {
        return handedOver;
    }

    /** Upstream loop: packets released because the queue was full or the downstream end closed. */
    public long dropped() {
        return dropped;
    }

    /** Downstream loop: packets given to the receiver. */
    public long delivered() {
        return delivered;
    }
}
