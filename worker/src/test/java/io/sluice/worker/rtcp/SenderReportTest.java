package io.sluice.worker.rtcp;

import static io.sluice.worker.rtcp.RtcpTesting.serialize;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.sluice.worker.rtp.TestBuffers;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SenderReportTest {

    private final TestBuffers buffers = new TestBuffers();

    @AfterEach
    void releaseAndCheckRefCnt() {
        buffers.close();
    }

    static int[] senderReport() {
        return new int[] {
            0x81, 0xc8, 0x00, 0x0c, // V=2, P=0, RC=1, PT=200, length 12 (52 bytes)
            0x5d, 0x93, 0x15, 0x34, // SSRC of sender
            0xdd, 0x3a, 0xc1, 0xb4, // NTP timestamp, most significant word
            0x76, 0x54, 0x71, 0x71, // NTP timestamp, least significant word
            0x00, 0x08, 0xcf, 0x00, // RTP timestamp 577280
            0x00, 0x00, 0x0e, 0x18, // sender's packet count 3608
            0x00, 0x08, 0xcf, 0x00, // sender's octet count 577280
            0x01, 0x93, 0x2d, 0xb4, // report block: SSRC_1
            0x50, 0xff, 0xff, 0xfe, // fraction lost 80/256, cumulative lost -2
            0x00, 0x00, 0x2e, 0x32, // extended highest sequence number 11826
            0x00, 0x00, 0x00, 0x0a, // interarrival jitter 10
            0xc1, 0xb4, 0x76, 0x54, // LSR
            0x00, 0x01, 0x00, 0x00, // DLSR 1 s
        };
    }

    @Test
    void rfc3550_section6_4_1_senderReportWithOneReportBlock() {
        ByteBuf buf = buffers.of(senderReport());

        SenderReport report = SenderReport.parse(buf, 0, buf.readableBytes());

        assertThat(report).isNotNull();
        assertThat(report.packetType()).isEqualTo(200);
        assertThat(report.count()).isEqualTo(1);
        assertThat(report.senderSsrc()).isEqualTo(0x5d931534L);
        assertThat(report.ntpTimestamp()).isEqualTo(0xdd3ac1b476547171L);
        assertThat(report.compactNtp()).isEqualTo(0xc1b47654L);
        assertThat(report.rtpTimestamp()).isEqualTo(577280);
        assertThat(report.packetCount()).isEqualTo(3608);
        assertThat(report.octetCount()).isEqualTo(577280);
        assertThat(report.reportBlocks()).containsExactly(
            new ReportBlock(0x01932db4L, 80, -2, 11826, 10, 0xc1b47654L, 65536));
        assertThat(serialize(buffers, report)).isEqualTo(TestBuffers.bytes(senderReport()));
    }

    @Test
    void rfc3550_section6_4_1_senderReportWithoutBlocksRoundTrips() {
        SenderReport report = new SenderReport(1, 2, 3, 4, 5, List.of());
        ByteBuf buf = buffers.empty(64);
        report.writeTo(buf);

        assertThat(TestBuffers.readable(buf)).startsWith((byte) 0x80, (byte) 0xc8, (byte) 0x00, (byte) 0x06);
        assertThat(SenderReport.parse(buf, 0, buf.readableBytes())).isEqualTo(report);
    }

    @Test
    void rfc3550_section6_4_1_profileExtensionAfterTheBlocksIsSkipped() {
        int[] bytes = RtcpTesting.concat(senderReport(), new int[] {0xaa, 0xbb, 0xcc, 0xdd});
        bytes[3] = 0x0d; // length 13: one word of profile-specific extension
        ByteBuf buf = buffers.of(bytes);

        SenderReport report = SenderReport.parse(buf, 0, buf.readableBytes());

        assertThat(report).isNotNull();
        assertThat(report.reportBlocks()).hasSize(1);
    }
}
