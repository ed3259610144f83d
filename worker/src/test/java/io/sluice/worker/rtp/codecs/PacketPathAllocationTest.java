package io.sluice.worker.rtp.codecs;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.worker.rtp.codecs.Vp9SvcSource.Packet;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The packet path (parse, accept, rewrite) allocates nothing: measured with the JVM's per-thread
 * allocation counter over many packets after a warm-up. Deterministic, unlike a timing.
 */
class PacketPathAllocationTest {

    private static final int ROUNDS = 200;

    @Test
    void vp8ParseAcceptRewriteAllocatesNothing() {
        Vp8Source source = new Vp8Source(32_000, 15, 250);
        List<ByteBuf> payloads = new ArrayList<>();
        for (int frame = 0; frame < 64; frame++) {
            for (int[] payload : source.frame(frame == 0, 2)) {
                payloads.add(buffer(payload));
            }
        }
        assertNoAllocation(payloads, "video/VP8", 0, 1);
    }

    @Test
    void vp9ParseAcceptRewriteAllocatesNothing() {
        Vp9SvcSource source = new Vp9SvcSource(3, true, 32_000, 250);
        List<ByteBuf> payloads = new ArrayList<>();
        for (int picture = 0; picture < 64; picture++) {
            for (Packet packet : source.picture(picture % 32 == 0)) {
                payloads.add(buffer(packet.payload()));
            }
        }
        assertNoAllocation(payloads, "video/VP9", 1, 1);
    }

    private static void assertNoAllocation(List<ByteBuf> payloads, String mimeType, int spatial, int temporal) {
        PayloadParser parser = PayloadParser.forMimeType(mimeType);
        LayerRewriter rewriter = LayerRewriter.forMimeType(mimeType);
        PayloadDescriptor d = new PayloadDescriptor();
        ByteBuf copy = Unpooled.buffer(256);
        ByteBuf[] packets = payloads.toArray(ByteBuf[]::new);
        run(packets, parser, rewriter, d, copy, spatial, temporal, ROUNDS); // warm-up

        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        long forwarded = run(packets, parser, rewriter, d, copy, spatial, temporal, ROUNDS);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(forwarded).as("the run forwards packets").isPositive();
        assertThat(allocated).as("bytes allocated over %d packets", (long) ROUNDS * packets.length)
                .isLessThan(1_024);
    }

    private static long run(ByteBuf[] packets, PayloadParser parser, LayerRewriter rewriter, PayloadDescriptor d,
            ByteBuf copy, int spatial, int temporal, int rounds) {
        long forwarded = 0;
        for (int round = 0; round < rounds; round++) {
            for (ByteBuf packet : packets) {
                int length = packet.readableBytes();
                if (!parser.parse(packet, 0, length, false, d) || !rewriter.accept(d, spatial, temporal)) {
                    continue;
                }
                copy.clear().writeBytes(packet, 0, length);
                rewriter.rewrite(copy, 0, length);
                forwarded++;
            }
        }
        return forwarded;
    }

    private static ByteBuf buffer(int[] payload) {
        ByteBuf buf = Unpooled.buffer(payload.length);
        for (int b : payload) {
            buf.writeByte(b);
        }
        return buf;
    }
}
