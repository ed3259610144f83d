package io.sluice.worker.rtcp;

import static io.sluice.worker.rtcp.RtcpTesting.serialize;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.sluice.worker.rtp.TestBuffers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ExtendedReportTest {

    private final TestBuffers buffers = new TestBuffers();

    @AfterEach
    void releaseAndCheckRefCnt() {
        buffers.close();
    }

    static int[] extendedReport() {
        return new int[] {
            0x80, 0xcf, 0x00, 0x0a, // V=2, P=0, reserved, PT=207, length 10 (44 bytes)
            0x00, 0x00, 0x00, 0x09, // SSRC of packet sender
            0x04, 0x00, 0x00, 0x02, // BT=4 receiver reference time, block length 2
            0xdd, 0x3a, 0xc1, 0xb4, // NTP timestamp, most significant word
            0x76, 0x54, 0x71, 0x71, // NTP timestamp, least significant word
            0x05, 0x00, 0x00, 0x03, // BT=5 DLRR, block length 3 (one sub-block)
            0x00, 0x00, 0x00, 0x07, // SSRC_1
            0xc1, 0xb4, 0x76, 0x54, // last RR
            0x00, 0x00, 0x80, 0x00, // delay since last RR: 0.5 s
            0x06, 0x1f, 0x00, 0x01, // BT=6 (statistics summary, not interpreted), length 1
            0xaa, 0xbb, 0xcc, 0xdd, // its body, kept as is
        };
    }

    @Test
    void rfc3611_section4_4_and_section4_5_rrtrDlrrAndAnUnknownBlock() {
        ByteBuf buf = buffers.of(extendedReport());

        ExtendedReport report = ExtendedReport.parse(buf, 0, buf.readableBytes());

        assertThat(report).isNotNull();
        assertThat(report.packetType()).isEqualTo(207);
        assertThat(report.senderSsrc()).isEqualTo(9);
        assertThat(report.blocks()).hasSize(3);
        assertThat(report.blocks().get(0))
            .isEqualTo(new ExtendedReport.ReceiverReferenceTime(0xdd3ac1b476547171L));
        assertThat(report.blocks().get(1)).isInstanceOfSatisfying(ExtendedReport.Dlrr.class, dlrr ->
            assertThat(dlrr.items()).containsExactly(new ExtendedReport.DlrrItem(7, 0xc1b47654L, 0x8000)));
        assertThat(report.blocks().get(2)).isEqualTo(
            new ExtendedReport.UnknownBlock(6, 0x1f, TestBuffers.bytes(0xaa, 0xbb, 0xcc, 0xdd)));
        assertThat(serialize(buffers, report)).isEqualTo(TestBuffers.bytes(extendedReport()));
    }
}
