package io.sluice.worker.router.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The per-packet stats calls allocate nothing: 100,000 receive and send updates after a warm-up,
 * counted with the JVM's per-thread allocation counter (bytes, not time, so the load does not matter).
 */
class StreamStatsAllocationTest {

    private static final int WARM_UP = 100_000;
    private static final int MEASURED = 100_000;
    /** One object per packet would be at least 16 B x 200,000 = 3.2 MB; one-off JVM objects are far smaller. */
    private static final long TOLERATED_BYTES = 16_384;

    @Test
    void onPacketAndOnPacketSentAllocateNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        RtpReceiveStreamStats received = new RtpReceiveStreamStats(90000);
        RtpSendStreamStats sent = new RtpSendStreamStats(90000);
        packets(received, sent, 0, WARM_UP);
        long before = threads.getCurrentThreadAllocatedBytes();
        packets(received, sent, WARM_UP, MEASURED);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(allocated).as("bytes allocated over %d packets each way", MEASURED).isLessThan(TOLERATED_BYTES);
        assertThat(received.packetsReceived()).isEqualTo(WARM_UP + MEASURED);
        assertThat(sent.packetCount()).isEqualTo(WARM_UP + MEASURED);
    }

    private static void packets(RtpReceiveStreamStats received, RtpSendStreamStats sent, int first, int count) {
        for (int i = first; i < first + count; i++) {
            long nowMs = i / 3;
            received.onPacket(i & 0xFFFF, i * 30L, 1200, nowMs);
            sent.onPacketSent(i * 30L, 1188, 1200, nowMs);
        }
    }
}
