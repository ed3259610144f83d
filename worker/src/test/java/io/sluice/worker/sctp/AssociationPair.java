package io.sluice.worker.sctp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Two of our associations over a {@link LossyPipe} each way, on one {@link ManualScheduler}.
 * Buffers come from an unpooled allocator without the leak detector's wrapping (which records a
 * stack trace at every access, too slow for thousands of packets); instead {@link #close} proves
 * that every packet carried and every payload sent ended with a reference count of 0.
 */
final class AssociationPair {

    /** One side: its association and what it received. */
    static final class Side implements SctpAssociation.Listener {
        final String name;
        SctpAssociation association;
        LossyPipe out;
        final List<Received> received = new ArrayList<>();
        final List<SctpState> states = new ArrayList<>();
        final List<Integer> incomingResets = new ArrayList<>();
        final List<Integer> outgoingResets = new ArrayList<>();

        Side(String name) {
            this.name = name;
        }

        @Override
        public void onPacket(ByteBuf packet) {
            out.accept(packet);
        }

        @Override
        public void onMessage(int streamId, long payloadProtocolId, ByteBuf payload) {
            received.add(new Received(streamId, payloadProtocolId, ByteBufUtil.getBytes(payload)));
            payload.release();
        }

        @Override
        public void onStateChange(SctpState state) {
            states.add(state);
        }

        @Override
        public void onIncomingStreamsReset(int[] streams) {
            for (int stream : streams) {
                incomingResets.add(stream);
            }
        }

        @Override
        public void onOutgoingStreamsReset(int[] streams) {
            for (int stream : streams) {
                outgoingResets.add(stream);
            }
        }

        SctpState state() {
            return association.state();
        }
    }

    record Received(int streamId, long payloadProtocolId, byte[] payload) {}

    static final ByteBufAllocator ALLOCATOR = new UnpooledByteBufAllocator(false, true);

    final ManualScheduler scheduler = new ManualScheduler();
    final Side a = new Side("a");
    final Side b = new Side("b");
    private final List<ByteBuf> payloads = new ArrayList<>();

    AssociationPair(SctpConfig config, long seed, double dropRate, long latencyMillis, long jitterMillis) {
        a.out = new LossyPipe(scheduler, seed, dropRate, latencyMillis, jitterMillis);
        b.out = new LossyPipe(scheduler, seed + 1, dropRate, latencyMillis, jitterMillis);
        a.association = new SctpAssociation(config, scheduler.clock, scheduler, ALLOCATOR, seeded(seed + 2), a);
        b.association = new SctpAssociation(config, scheduler.clock, scheduler, ALLOCATOR, seeded(seed + 3), b);
        a.out.connectTo(b.association::onPacket);
        b.out.connectTo(a.association::onPacket);
    }

    private static SecureRandom seeded(long seed) {
        try {
            SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
            random.setSeed(seed);
            return random;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    void establish() {
        a.association.connect();
        scheduler.runUntil(() -> a.state() == SctpState.ESTABLISHED && b.state() == SctpState.ESTABLISHED, 120_000,
                "the handshake");
    }

    /** A payload for {@code send}, remembered to check its release at {@link #close}. */
    ByteBuf payload(byte[] bytes) {
        ByteBuf buf = ALLOCATOR.buffer(bytes.length).writeBytes(bytes);
        payloads.add(buf);
        return buf;
    }

    /** Aborts what is still open, delivers what is in the pipes, and checks every buffer was released. */
    void close() {
        a.association.abort("test over");
        b.association.abort("test over");
        while (scheduler.runNext()) {
            // drain deliveries and timers: closed associations ignore them
        }
        for (ByteBuf packet : a.out.carried) {
            assertThat(packet.refCnt()).as("a packet a sent was released").isZero();
        }
        for (ByteBuf packet : b.out.carried) {
            assertThat(packet.refCnt()).as("a packet b sent was released").isZero();
        }
        for (ByteBuf payload : payloads) {
            assertThat(payload.refCnt()).as("a payload sent was released").isZero();
        }
    }
}
