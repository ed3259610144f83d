package io.sluice.worker.bwe;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.worker.rtcp.FeedbackRtpTransport;
import io.sluice.worker.rtcp.FeedbackRtpTransportBuilder;
import org.junit.jupiter.api.Test;

/**
 * Feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1) matched against what was
 * sent: arrival times from the reference time and deltas, gaps inside and between feedback
 * packets as loss, the 16-bit wrap of the sequence numbers, nothing counted twice.
 */
class TransportFeedbackAdapterTest {

    private final SentPacketHistory history = new SentPacketHistory();
    private final TransportFeedbackAdapter adapter = new TransportFeedbackAdapter(history);
    private final FeedbackRtpTransportBuilder builder = new FeedbackRtpTransportBuilder(1100);
    private int feedbackCount;

    private FeedbackRtpTransport feedback(int[] sequenceNumbers, long[] arrivalMicros) {
        builder.reset(1, 2, feedbackCount++);
        for (int i = 0; i < sequenceNumbers.length; i++) {
            assertThat(builder.addReceived(sequenceNumbers[i], arrivalMicros[i])).isTrue();
        }
        return builder.build();
    }

    @Test
    void draftHolmer_section3_1_arrivalTimesAndLossAcrossFeedbackPacketsAndTheWrap() {
        for (int i = 0; i < 8; i++) {
            history.onPacketSent((65_532 + i) & 0xFFFF, 1000 + i, SentPacketHistory.NO_CLUSTER, 10_000 + 1_000L * i);
        }
        // 65532 and 65534 received, 65533 lost inside the packet.
        assertThat(adapter.adapt(feedback(new int[] {65_532, 65_534}, new long[] {640_000, 642_250}))).isEqualTo(3);
        assertThat(adapter.arrivalMicros(0)).isEqualTo(640_000);
        assertThat(adapter.arrivalMicros(1)).isEqualTo(TransportFeedbackAdapter.LOST);
        assertThat(adapter.arrivalMicros(2)).isEqualTo(642_250);
        assertThat(adapter.sendMicros(2)).isEqualTo(12_000);
        assertThat(adapter.size(2)).isEqualTo(1002);
        assertThat(adapter.lost()).isEqualTo(1);

        // The next packet starts at 1 (after the wrap): 65535 and 0, skipped between the two, are lost.
        assertThat(adapter.adapt(feedback(new int[] {1, 3}, new long[] {650_000, 652_000}))).isEqualTo(5);
        assertThat(adapter.lost()).isEqualTo(3);
        assertThat(adapter.sendMicros(0)).isEqualTo(13_000);
        assertThat(adapter.arrivalMicros(2)).isEqualTo(650_000);
        assertThat(adapter.arrivalMicros(4)).isEqualTo(652_000);
        assertThat(adapter.latestReceivedSendMicros()).isEqualTo(17_000);

        // The same report again tells nothing new.
        assertThat(adapter.adapt(feedback(new int[] {1, 3}, new long[] {650_000, 652_000}))).isZero();
    }

    @Test
    void numbersNeverSentOrForgottenAreLeftOut() {
        history.onPacketSent(10, 1200, SentPacketHistory.NO_CLUSTER, 0);
        assertThat(adapter.adapt(feedback(new int[] {10, 11}, new long[] {64_000, 65_000}))).isEqualTo(1);
    }
}
