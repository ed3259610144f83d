package io.sluice.worker.router.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.worker.rtcp.ReportBlock;
import org.junit.jupiter.api.Test;

/**
 * Receive statistics against figures computed by hand from RFC 3550's algorithms: A.1 (sequence
 * tracking), A.3 (expected, lost, fraction lost), A.8 (interarrival jitter) and §6.4.1 (LSR, DLSR).
 */
class RtpReceiveStreamStatsTest {

    private static final long SSRC = 0x11223344L;

    @Test
    void rfc3550_appendixA_3_lossAndFractionLostPerInterval() {
        RtpReceiveStreamStats stats = new RtpReceiveStreamStats(90000);
        long now = 1000;
        for (int seq = 1; seq <= 10; seq++) {
            if (seq != 3 && seq != 7) {
                stats.onPacket(seq, seq * 3000L, 100, now += 33);
            }
        }
        ReportBlock first = stats.reportBlock(SSRC, now);
        // expected = 10 - 1 + 1 = 10, received 8: lost 2, fraction (2 << 8) / 10 = 51.
        assertThat(stats.expectedPackets()).isEqualTo(10);
        assertThat(first.totalLost()).isEqualTo(2);
        assertThat(first.fractionLost()).isEqualTo(51);
        assertThat(first.highestSequenceNumber()).isEqualTo(10);
        assertThat(first.ssrc()).isEqualTo(SSRC);

        for (int seq = 11; seq <= 20; seq++) {
            stats.onPacket(seq, seq * 3000L, 100, now += 33);
        }
        ReportBlock second = stats.reportBlock(SSRC, now);
        assertThat(second.fractionLost()).as("nothing lost in the second interval").isZero();
        assertThat(second.totalLost()).as("cumulative").isEqualTo(2);
        assertThat(stats.packetsReceived()).isEqualTo(18);
        assertThat(stats.bytesReceived()).isEqualTo(1800);
    }

    @Test
    void rfc3550_appendixA_1_theExtendedSequenceNumberCountsWraps() {
        RtpReceiveStreamStats stats = new RtpReceiveStreamStats(90000);
        int[] sequence = {65534, 65535, 0, 1};
        for (int seq : sequence) {
            stats.onPacket(seq, 0, 10, 0);
        }
        assertThat(stats.extendedHighestSequenceNumber()).isEqualTo(65536 + 1);
        assertThat(stats.expectedPackets()).isEqualTo(4);
        assertThat(stats.packetsLost()).isZero();
    }

    @Test
    void rfc3550_section6_4_1_duplicatesMakeTheCumulativeLossNegative() {
        RtpReceiveStreamStats stats = new RtpReceiveStreamStats(90000);
        for (int seq : new int[] {1, 2, 2, 3}) {
            stats.onPacket(seq, 0, 10, 0);
        }
        ReportBlock block = stats.reportBlock(SSRC, 0);
        assertThat(block.totalLost()).isEqualTo(-1);
        assertThat(block.fractionLost()).as("a negative interval loss reports 0").isZero();
    }

    @Test
    void rfc3550_appendixA_1_aLargeJumpIsDiscardedUntilTheNextPacketConfirmsIt() {
        RtpReceiveStreamStats stats = new RtpReceiveStreamStats(90000);
        stats.onPacket(100, 0, 10, 0);
        stats.onPacket(101, 0, 10, 0);
        assertThat(stats.onPacket(20000, 0, 10, 0)).isFalse();
        assertThat(stats.packetsDiscarded()).isEqualTo(1);
        assertThat(stats.onPacket(20001, 0, 10, 0)).as("sequential after the jump: a restart").isTrue();
        assertThat(stats.expectedPackets()).isEqualTo(1);
        assertThat(stats.packetsLost()).isZero();
        assertThat(stats.packetsReceived()).as("the counter of received packets is cumulative").isEqualTo(3);
    }

    @Test
    void rfc3550_appendixA_1_aLateReorderedPacketCountsWithoutMovingTheHighest() {
        RtpReceiveStreamStats stats = new RtpReceiveStreamStats(90000);
        stats.onPacket(10, 0, 10, 0);
        stats.onPacket(12, 0, 10, 0);
        stats.onPacket(11, 0, 10, 0);
        assertThat(stats.extendedHighestSequenceNumber()).isEqualTo(12);
        assertThat(stats.packetsLost()).isZero();
    }

    @Test
    void rfc3550_appendixA_8_interarrivalJitterInTimestampUnits() {
        RtpReceiveStreamStats stats = new RtpReceiveStreamStats(8000);
        // 20 ms packets (160 ticks at 8 kHz). Arrival in ticks: 0, 240, 320.
        stats.onPacket(1, 0, 10, 0);
        stats.onPacket(2, 160, 10, 30);
        // transit 0 then 80: D = 80, J = 0 + (80 - 0) / 16 = 5
        assertThat(stats.jitter()).isEqualTo(5);
        stats.onPacket(3, 320, 10, 40);
        // transit back to 0: D = 80, J = 5 + (80 - 5) / 16 = 9.6875, reported as 9
        assertThat(stats.jitter()).isEqualTo(9);
        stats.onPacket(4, 480, 10, 60);
        // transit 0 again: D = 0, J = 9.6875 - 9.6875 / 16 = 9.08, reported as 9
        assertThat(stats.jitter()).isEqualTo(9);
        assertThat(stats.reportBlock(SSRC, 60).jitter()).isEqualTo(9);
    }

    @Test
    void rfc3550_appendixA_8_aTimestampWrapDoesNotLookLikeJitter() {
        RtpReceiveStreamStats stats = new RtpReceiveStreamStats(90000);
        stats.onPacket(1, 0xFFFFFFFFL - 2999, 10, 0);
        stats.onPacket(2, 0, 10, 33);
        stats.onPacket(3, 3000, 10, 66);
        // 33 ms = 2970 ticks against 3000 sent: D = 30 each time.
        assertThat(stats.jitter()).isLessThan(10);
    }

    @Test
    void rfc3550_section6_4_1_lsrIsTheMiddleOfTheSrNtpAndDlsrTheDelaySinceIn65536ths() {
        RtpReceiveStreamStats stats = new RtpReceiveStreamStats(90000);
        stats.onPacket(1, 0, 10, 1000);
        assertThat(stats.reportBlock(SSRC, 1000).lastSenderReport()).as("no SR yet").isZero();
        stats.onSenderReport(0x0000_1234_5678_0000L, 1000);
        ReportBlock block = stats.reportBlock(SSRC, 1500);
        assertThat(block.lastSenderReport()).isEqualTo(0x12345678L);
        assertThat(block.delaySinceLastSenderReport()).isEqualTo(32768); // 0.5 s
    }

    @Test
    void theScoreFollowsMediasoupsWeightedHistoryAndDropsToZeroWhenInactive() {
        RtpReceiveStreamStats stats = new RtpReceiveStreamStats(90000);
        assertThat(stats.score()).as("before any report").isZero();
        int seq = 0;
        long now = 0;
        for (int i = 0; i < 100; i++) {
            stats.onPacket(seq++, 0, 10, now++);
        }
        stats.reportBlock(SSRC, now);
        assertThat(stats.score()).isEqualTo(10);
        // 90 received, 10 lost: sample round(((90 - 10) / 90)^4 * 10) = round(6.24) = 6;
        // weighted (1 * 10 + 2 * 6) / 3 = 7.33 -> 7.
        for (int i = 0; i < 100; i++) {
            if (i % 10 != 0) {
                stats.onPacket(seq, 0, 10, now++);
            }
            seq++;
        }
        stats.reportBlock(SSRC, now);
        assertThat(stats.score()).isEqualTo(7);
        stats.reportBlock(SSRC, now + 1000);
        assertThat(stats.score()).as("nothing in a whole interval").isZero();
    }

    @Test
    void jitterLowersTheScoreOfALosslessStream() {
        RtpReceiveStreamStats smooth = new RtpReceiveStreamStats(90000);
        RtpReceiveStreamStats bursty = new RtpReceiveStreamStats(90000);
        RtpReceiveStreamStats choppy = new RtpReceiveStreamStats(90000);
        // 30 frames per second (3000 ticks, 33.3 ms apart), none lost. The smooth stream arrives on
        // time; the bursty one alternately 0 and 80 ms late (|D| = 7200 ticks, J -> 7200 = 80 ms);
        // the choppy one alternately 0 and 200 ms late (J -> 200 ms).
        for (int i = 0; i < 300; i++) {
            long sent = i * 100L / 3;
            smooth.onPacket(i, i * 3000L, 1000, sent);
            bursty.onPacket(i, i * 3000L, 1000, sent + (i % 2) * 80);
            choppy.onPacket(i, i * 3000L, 1000, sent + (i % 2) * 200);
        }
        smooth.reportBlock(SSRC, 10_000);
        bursty.reportBlock(SSRC, 10_000);
        choppy.reportBlock(SSRC, 10_000);
        assertThat(smooth.jitterMs()).isLessThan(1);
        assertThat(bursty.jitterMs()).isBetween(60.0, 120.0);
        assertThat(choppy.jitterMs()).isGreaterThan(120);
        assertThat(smooth.score()).isEqualTo(10);
        assertThat(bursty.score()).as("60 to 120 ms of jitter costs 2 points").isEqualTo(8);
        assertThat(choppy.score()).as("120 ms and more costs 4").isEqualTo(6);
    }

    @Test
    void bitrateOverTheLastSecond() {
        RtpReceiveStreamStats stats = new RtpReceiveStreamStats(90000);
        for (int i = 0; i < 10; i++) {
            stats.onPacket(i, 0, 125, 10_000 + i * 100);
        }
        // 10 x 125 bytes within the window ending at 10 950 ms: 10 000 bit/s.
        assertThat(stats.bitrate(10_950)).isEqualTo(10_000);
        assertThat(stats.bitrate(12_500)).as("all slots aged out").isZero();
    }
}
