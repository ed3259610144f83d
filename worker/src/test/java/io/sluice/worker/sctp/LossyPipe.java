package io.sluice.worker.sctp;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * One direction of an in-memory network between two associations: each packet arrives after a
 * latency with seeded random jitter (which reorders packets), or is dropped. Delivery is a task of
 * the {@link ManualScheduler}, never a call from inside the sender. Every packet it carried is kept
 * so that the test can check that the receiver retained none.
 */
final class LossyPipe implements Consumer<ByteBuf> {

    private final ManualScheduler scheduler;
    private final SplittableRandom random;
    private final double dropRate;
    private final long latencyMillis;
    private final long jitterMillis;
    private Consumer<ByteBuf> receiver;
    final List<ByteBuf> carried = new ArrayList<>();
    int sent;
    int dropped;
    /** While set, every packet is dropped: a link that went away. */
    boolean blackhole;

    LossyPipe(ManualScheduler scheduler, long seed, double dropRate, long latencyMillis, long jitterMillis) {
        this.scheduler = scheduler;
        this.random = new SplittableRandom(seed);
        this.dropRate = dropRate;
        this.latencyMillis = latencyMillis;
        this.jitterMillis = jitterMillis;
    }

    void connectTo(Consumer<ByteBuf> receiver) {
        this.receiver = receiver;
    }

    @Override
    public void accept(ByteBuf packet) {
        carried.add(packet);
        sent++;
        if (random.nextDouble() < dropRate || blackhole) {
            dropped++;
            packet.release();
            return;
        }
        long delay = latencyMillis + (jitterMillis > 0 ? random.nextLong(jitterMillis + 1) : 0);
        scheduler.schedule(() -> {
            try {
                receiver.accept(packet);
            } finally {
                packet.release();
            }
        }, delay);
    }
}
