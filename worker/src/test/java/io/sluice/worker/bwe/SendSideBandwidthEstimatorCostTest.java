package io.sluice.worker.bwe;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.worker.rtcp.FeedbackRtpTransport;
import io.sluice.worker.rtcp.FeedbackRtpTransportBuilder;
import io.sluice.worker.testsupport.TestClock;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * What the estimator costs on the hot path: bytes allocated per sent packet and per feedback
 * packet (asserted: a count of bytes, not a timing, so the machine's load does not matter), and
 * the thread CPU time per sent packet and per feedback packet (printed for docs/benchmarks.md,
 * never asserted). Feedback packets are parsed before the measurement: the parser's arrays are
 * rtcp's, not the estimator's.
 */
class SendSideBandwidthEstimatorCostTest {

    private static final int PACKETS_PER_FEEDBACK = 100;
    private static final int ROUNDS = 2_000;
    /** One object per packet would be at least 16 B x 200 000 packets = 3.2 MB; one-off JVM objects are far smaller. */
    private static final long TOLERATED_BYTES = 16_384;

    @Test
    void sentPacketsAndFeedbackAllocateNothingAndCostIsPrinted() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled()
                && threads.isCurrentThreadCpuTimeSupported());
        TestClock clock = new TestClock();
        SendSideBandwidthEstimator estimator = new SendSideBandwidthEstimator(clock, 1_000_000, 30_000, 50_000_000);
        FeedbackRtpTransport[] feedback = feedbackFor(clock.monotonicMicros(), 2 * ROUNDS);

        interleaved(estimator, clock, feedback, 0, ROUNDS);
        long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
        long cpuBefore = threads.getCurrentThreadCpuTime();
        interleaved(estimator, clock, feedback, ROUNDS, ROUNDS);
        long totalCpu = threads.getCurrentThreadCpuTime() - cpuBefore;
        long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;

        long sendCpuBefore = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < ROUNDS * PACKETS_PER_FEEDBACK; i++) {
            estimator.onPacketSent(i, 1200);
        }
        long sendCpu = threads.getCurrentThreadCpuTime() - sendCpuBefore;
        double perPacket = (double) sendCpu / (ROUNDS * PACKETS_PER_FEEDBACK);
        double perFeedback = (totalCpu - perPacket * ROUNDS * PACKETS_PER_FEEDBACK) / ROUNDS;
        System.out.printf("bwe cost (thread CPU, shared machine): %.0f ns per sent packet, %.0f ns per feedback packet"
                + " of %d packets (%.0f ns per reported packet); %d bytes allocated over %d packets and %d feedback packets%n",
                perPacket, perFeedback, PACKETS_PER_FEEDBACK, perFeedback / PACKETS_PER_FEEDBACK, allocated,
                ROUNDS * PACKETS_PER_FEEDBACK, ROUNDS);
        assertThat(estimator.feedbackPackets()).isEqualTo(2L * ROUNDS);
        assertThat(allocated).as("bytes allocated while sending and taking feedback").isLessThan(TOLERATED_BYTES);
    }

    /** Rounds of 100 packets 100 µs apart, each reported by one feedback packet 30 ms after it was sent. */
    private static void interleaved(SendSideBandwidthEstimator estimator, TestClock clock, FeedbackRtpTransport[] feedback,
                                    int firstRound, int rounds) {
        for (int round = firstRound; round < firstRound + rounds; round++) {
            for (int i = 0; i < PACKETS_PER_FEEDBACK; i++) {
                estimator.onPacketSent((round * PACKETS_PER_FEEDBACK + i + 1) & 0xFFFF, 1200);
                clock.advanceMicros(100);
            }
            estimator.onTransportFeedback(feedback[round]);
        }
    }

    private static FeedbackRtpTransport[] feedbackFor(long startMicros, int rounds) {
        FeedbackRtpTransportBuilder builder = new FeedbackRtpTransportBuilder(1100);
        FeedbackRtpTransport[] feedback = new FeedbackRtpTransport[rounds];
        for (int round = 0; round < rounds; round++) {
            builder.reset(1, 2, round);
            for (int i = 0; i < PACKETS_PER_FEEDBACK; i++) {
                int packet = round * PACKETS_PER_FEEDBACK + i;
                builder.addReceived((packet + 1) & 0xFFFF, startMicros + packet * 100L + 30_000);
            }
            feedback[round] = builder.build();
        }
        return feedback;
    }
}
