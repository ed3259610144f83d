package io.sluice.worker.pipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.EventExecutor;
import io.sluice.worker.testsupport.Patience;
import io.sluice.worker.testsupport.TestClock;
import io.sluice.worker.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The in-process hop between two real event loops: packets arrive in order and intact on the
 * downstream loop, every buffer ends released (refCnt 0) whether delivered, dropped for a full
 * queue or caught by a close, a full queue drops instead of blocking the upstream loop, and the
 * downstream loop learns how long a packet waited in the hand-off.
 */
class LoopHandoffTest {

    private final EventExecutor upstream = new DefaultEventExecutor();
    private final EventExecutor downstream = new DefaultEventExecutor();
    private final List<ByteBuf> sent = new ArrayList<>();

    @AfterEach
    void stopLoops() {
        upstream.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        downstream.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private ByteBuf packet(int index) {
        ByteBuf packet = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        packet.writeInt(index).writeZero(60);
        sent.add(packet);
        return packet;
    }

    private void onUpstream(Runnable task) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        upstream.execute(() -> {
            try {
                task.run();
            } finally {
                done.countDown();
            }
        });
        assertThat(done.await(Patience.WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void packetsArriveInOrderOnTheDownstreamLoopAndAreReleasedAfterDelivery() throws Exception {
        List<Integer> received = new ArrayList<>();
        AtomicLong offLoop = new AtomicLong();
        int count = 10_000;
        // Room for all: this test sees every packet delivered (the next one sees drops).
        LoopHandoff handoff = new LoopHandoff(downstream, 16_384, Clock.system(), packet -> {
            if (!downstream.inEventLoop()) {
                offLoop.incrementAndGet();
            }
            assertThat(packet.refCnt()).isOne();
            received.add(packet.getInt(packet.readerIndex()));
        });
        onUpstream(() -> {
            for (int i = 0; i < count; i++) {
                assertThat(handoff.offer(packet(i))).isTrue();
            }
        });

        await().atMost(Patience.WAIT).until(() -> sent.stream().allMatch(b -> b.refCnt() == 0));
        assertThat(offLoop).hasValue(0);
        downstream.submit(() -> {
            assertThat(received).hasSize(count);
            for (int i = 0; i < count; i++) {
                assertThat(received.get(i)).isEqualTo(i);
            }
            assertThat(handoff.delivered()).isEqualTo(count);
        }).syncUninterruptibly();
    }

    @Test
    void aFullQueueDropsAndCountsWithoutBlockingTheUpstreamLoop() throws Exception {
        CountDownLatch downstreamBusy = new CountDownLatch(1);
        downstream.execute(() -> {
            try {
                downstreamBusy.await(Patience.WAIT.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        LoopHandoff handoff = new LoopHandoff(downstream, 16, Clock.system(), packet -> { });
        onUpstream(() -> {
            for (int i = 0; i < 100; i++) {
                handoff.offer(packet(i));
            }
        });
        assertThat(handoff.handedOver()).isEqualTo(16);
        assertThat(handoff.dropped()).isEqualTo(84);
        assertThat(sent.subList(16, 100)).allMatch(b -> b.refCnt() == 0);

        downstreamBusy.countDown();
        await().atMost(Patience.WAIT).until(() -> sent.stream().allMatch(b -> b.refCnt() == 0));
    }

    @Test
    void closingTheDownstreamEndReleasesWhatIsQueuedAndWhatComesLater() throws Exception {
        CountDownLatch downstreamBusy = new CountDownLatch(1);
        downstream.execute(() -> {
            try {
                downstreamBusy.await(Patience.WAIT.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        AtomicLong deliveries = new AtomicLong();
        LoopHandoff[] handoff = new LoopHandoff[1];
        // The downstream end closes on the first packet: the nine queued behind it are not delivered.
        handoff[0] = new LoopHandoff(downstream, 64, Clock.system(), packet -> {
            deliveries.incrementAndGet();
            handoff[0].close();
        });
        onUpstream(() -> {
            for (int i = 0; i < 10; i++) {
                handoff[0].offer(packet(i));
            }
        });
        downstreamBusy.countDown();
        downstream.submit(() -> { }).syncUninterruptibly();
        onUpstream(() -> assertThat(handoff[0].offer(packet(10))).isFalse());

        await().atMost(Patience.WAIT).until(() -> sent.stream().allMatch(b -> b.refCnt() == 0));
        assertThat(deliveries).hasValue(1);
        assertThat(handoff[0].dropped()).isOne();
    }

    @Test
    void theDownstreamLoopLearnsHowLongAPacketWaitedInTheHandOffAlone() throws Exception {
        TestClock clock = new TestClock();
        AtomicLong waited = new AtomicLong(-1);
        LoopHandoff[] handoff = new LoopHandoff[1];
        handoff[0] = new LoopHandoff(downstream, 16, clock, packet -> waited.set(handoff[0].waitMs()));
        CountDownLatch downstreamBusy = new CountDownLatch(1);
        downstream.execute(() -> {
            try {
                downstreamBusy.await(Patience.WAIT.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        onUpstream(() -> handoff[0].offer(packet(1)));
        clock.advanceMillis(150);
        downstreamBusy.countDown();
        await().atMost(Patience.WAIT).until(() -> waited.get() >= 0);
        assertThat(waited.get()).as("from the offer to the delivery, whatever the packet waited before").isEqualTo(150);

        waited.set(-1);
        onUpstream(() -> handoff[0].offer(packet(2)));
        await().atMost(Patience.WAIT).until(() -> waited.get() >= 0);
        assertThat(waited.get()).as("a packet delivered at once").isZero();
        await().atMost(Patience.WAIT).until(() -> sent.stream().allMatch(b -> b.refCnt() == 0));
    }
}
