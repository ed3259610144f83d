package io.sluice.worker.router.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.sluice.worker.rtcp.ReportBlock;
import io.sluice.worker.rtcp.RtcpCompound;
import io.sluice.worker.rtcp.RtcpPacket;
import io.sluice.worker.rtcp.SenderReport;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Sender reports, round-trip time (RFC 3550 §6.4.1) and the sending score (mediasoup RtpStreamSend). */
class RtpSendStreamStatsTest {

    private static final long SSRC = 0xCAFEBABEL;

    @Test
    void rfc3550_section6_4_1_senderReportExtrapolatesTheTimestampAndCountsPayloadOctets() {
        RtpSendStreamStats stats = new RtpSendStreamStats(90000);
        assertThat(stats.senderReport(SSRC, 0, 0)).as("nothing sent yet").isNull();
        stats.onPacketSent(90_000, 100, 112, 1000);
        stats.onPacketSent(90_000, 100, 112, 1000);
        stats.onPacketSent(93_000, 100, 112, 1033);
        long ntp = 0xE1234567_80000000L;

        SenderReport report = stats.senderReport(SSRC, 1133, ntp);

        // 100 ms after the last packet at 90 kHz: 9000 ticks later.
        assertThat(report.rtpTimestamp()).isEqualTo(102_000);
        ByteBuf buf = Unpooled.buffer();
        report.writeTo(buf);
        assertThat(HexFormat.of().formatHex(ByteBufUtil.getBytes(buf))).isEqualTo(
                "80c80006" // V=2, RC=0, PT=200 (SR), length 6 words
                        + "cafebabe" // SSRC of sender
                        + "e123456780000000" // NTP timestamp
                        + "00018e70" // RTP timestamp 102000
                        + "00000003" // sender's packet count
                        + "0000012c"); // sender's octet count: 300 payload octets
        List<RtcpPacket> parsed = RtcpCompound.parse(buf);
        assertThat(parsed).containsExactly(report);
        buf.release();
        assertThat(buf.refCnt()).isZero();
    }

    @Test
    void rfc3550_section6_4_1_roundTripTimeExample() {
        // The RFC's example: A = 0xb710:8000 (46864.500 s), LSR = 0xb705:2000 (46853.125 s),
        // DLSR = 0x0005:4000 (5.250 s) give a round trip of 0x0006:2000 (6.125 s).
        RtpSendStreamStats stats = new RtpSendStreamStats(90000);
        stats.onPacketSent(0, 10, 22, 0);
        stats.onReportBlock(new ReportBlock(SSRC, 0, 0, 0, 0, 0xB7052000L, 0x00054000L), 0xB7108000L << 16);
        assertThat(stats.roundTripTimeMs()).isEqualTo(6125.0);
    }

    @Test
    void roundTripTimeFromOurOwnSenderReport() {
        RtpSendStreamStats stats = new RtpSendStreamStats(90000);
        stats.onPacketSent(0, 10, 22, 0);
        long sentAt = 1_700_000_000_000L;
        SenderReport report = stats.senderReport(SSRC, 0, NtpTime.fromUnixMillis(sentAt));
        // The receiver held it 250 ms and its report arrives 330 ms after we sent: 80 ms of network.
        ReportBlock block = new ReportBlock(SSRC, 0, 0, 0, 0, report.compactNtp(), NtpTime.millisToCompact(250));
        stats.onReportBlock(block, NtpTime.fromUnixMillis(sentAt + 330));
        assertThat(stats.roundTripTimeMs()).isCloseTo(80.0, within(0.1));
    }

    @Test
    void withoutAnEchoedSrThereIsNoRoundTripTime() {
        RtpSendStreamStats stats = new RtpSendStreamStats(90000);
        stats.onReportBlock(new ReportBlock(SSRC, 12, 3, 0, 77, 0, 0), NtpTime.fromUnixMillis(1000));
        assertThat(stats.roundTripTimeMs()).isZero();
        assertThat(stats.fractionLost()).isEqualTo(12);
        assertThat(stats.packetsLost()).isEqualTo(3);
        assertThat(stats.jitter()).isEqualTo(77);
    }

    @Test
    void theScoreComesFromTheLossTheReceiverReportsPerInterval() {
        RtpSendStreamStats stats = new RtpSendStreamStats(90000);
        assertThat(stats.score()).as("a fresh consumer").isEqualTo(10);
        send(stats, 100);
        assertThat(stats.onReportBlock(block(0), 0)).isFalse();
        assertThat(stats.score()).isEqualTo(10);
        send(stats, 100);
        // 10 of 100 lost: sample round(0.9^4 * 10) = 7; weighted (1 * 10 + 2 * 7) / 3 = 8.
        assertThat(stats.onReportBlock(block(10), 0)).isTrue();
        assertThat(stats.score()).isEqualTo(8);
        send(stats, 100);
        // 100 of 100 lost: sample 0; (10 + 14 + 0) / 6 = 4.
        assertThat(stats.onReportBlock(block(110), 0)).isTrue();
        assertThat(stats.score()).isEqualTo(4);
    }

    private static void send(RtpSendStreamStats stats, int packets) {
        for (int i = 0; i < packets; i++) {
            stats.onPacketSent(0, 10, 22, 0);
        }
    }

    private static ReportBlock block(int totalLost) {
        return new ReportBlock(SSRC, 0, totalLost, 0, 0, 0, 0);
    }
}
