package io.sluice.worker.dtls;

import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * One direction of an in-memory network between two {@link LoopPeer}s that drops, duplicates and
 * reorders datagrams with a seeded random. Runs on the sender's loop (its only caller), so the
 * random sequence is fixed by the seed; every buffer it saw is kept to check it was released.
 */
final class LossyLink implements Consumer<ByteBuf> {

    private final SplittableRandom random;
    private final double dropRate;
    private final double duplicateRate;
    private final double reorderRate;
    private final LoopPeer receiver;
    private volatile Consumer<ByteBuf> tap = datagram -> {};

    final List<ByteBuf> seen = new CopyOnWriteArrayList<>();
    volatile int sent;
    volatile int dropped;
    volatile int duplicated;
    volatile int reordered;
    private ByteBuf held;

    LossyLink(long seed, double dropRate, double duplicateRate, double reorderRate, LoopPeer receiver) {
        this.random = new SplittableRandom(seed);
        this.dropRate = dropRate;
        this.duplicateRate = duplicateRate;
        this.reorderRate = reorderRate;
        this.receiver = receiver;
    }

    static LossyLink perfect(LoopPeer receiver) {
        return new LossyLink(0, 0, 0, 0, receiver);
    }

    /** Sees every datagram the sender emits (before loss), without taking ownership. */
    void tap(Consumer<ByteBuf> tap) {
        this.tap = tap;
    }

    @Override
    public void accept(ByteBuf datagram) {
        seen.add(datagram);
        sent++;
        tap.accept(datagram);
        if (random.nextDouble() < dropRate) {
            dropped++;
            datagram.release();
            return;
        }
        if (random.nextDouble() < duplicateRate) {
            duplicated++;
            receiver.deliver(datagram.retainedDuplicate());
        }
        if (held == null && random.nextDouble() < reorderRate) {
            reordered++;
            held = datagram;
            return;
        }
        receiver.deliver(datagram);
        if (held != null) {
            receiver.deliver(held);
            held = null;
        }
    }

    /** Releases a datagram still held back for reordering; call on the sender's loop or after it stopped. */
    void releaseHeld() {
        if (held != null) {
            held.release();
            held = null;
        }
    }

    void wire(LoopPeer sender) {
        sender.listener.sendTo(this);
    }
}
