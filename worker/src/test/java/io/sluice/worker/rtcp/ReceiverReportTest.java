package io.sluice.worker.rtcp;

import static io.sluice.worker.rtcp.RtcpTesting.serialize;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.sluice.worker.rtp.TestBuffers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReceiverReportTest {

    private final TestBuffers buffers = new TestBuffers();

    @AfterEach
    void releaseAndCheckRefCnt() {
        buffers.close();
    }

    static int[] receiverReport() {
        return new int[] {
            0x82, 0xc9, 0x00, 0x0d, // V=2, P=0, RC=2, PT=201, length 13 (56 bytes)
            0x00, 0x00, 0x00, 0x01, // SSRC of packet sender
            0x00, 0x00, 0x00, 0x02, // block 1: SSRC
            0x19, 0x00, 0x00, 0x05, // fraction lost 25/256, cumulative lost 5
            0x00, 0x01, 0x00, 0x10, // extended highest sequence number 65552 (one cycle)
            0x00, 0x00, 0x01, 0x00, // jitter 256
            0x00, 0x00, 0x00, 0x00, // LSR: no SR received yet
            0x00, 0x00, 0x00, 0x00, // DLSR
            0xff, 0xff, 0xff, 0xff, // block 2: SSRC 2^32-1
            0xff, 0x7f, 0xff, 0xff, // fraction lost 255/256, cumulative lost 2^23-1
            0xff, 0xff, 0xff, 0xff, // extended highest sequence number
            0xff, 0xff, 0xff, 0xff, // jitter
            0x12, 0x34, 0x56, 0x78, // LSR
            0x9a, 0xbc, 0xde, 0xf0, // DLSR
        };
    }

    static int[] emptyReceiverReport() {
        return new int[] {
            0x80, 0xc9, 0x00, 0x01, // V=2, P=0, RC=0, PT=201, length 1
            0x00, 0x00, 0x00, 0x01, // SSRC of packet sender
        };
    }

    @Test
    void rfc3550_section6_4_2_receiverReportWithTwoBlocks() {
        ByteBuf buf = buffers.of(receiverReport());

        ReceiverReport report = ReceiverReport.parse(buf, 0, buf.readableBytes());

        assertThat(report).isNotNull();
        assertThat(report.packetType()).isEqualTo(201);
        assertThat(report.count()).isEqualTo(2);
        assertThat(report.senderSsrc()).isEqualTo(1);
        assertThat(report.reportBlocks()).containsExactly(
            new ReportBlock(2, 25, 5, 65552, 256, 0, 0),
            new ReportBlock(0xffffffffL, 255, 0x7fffff, 0xffffffffL, 0xffffffffL, 0x12345678L, 0x9abcdef0L));
        assertThat(serialize(buffers, report)).isEqualTo(TestBuffers.bytes(receiverReport()));
    }

    @Test
    void rfc3550_section6_4_2_emptyReceiverReport() {
        ByteBuf buf = buffers.of(emptyReceiverReport());

        ReceiverReport report = ReceiverReport.parse(buf, 0, buf.readableBytes());

        assertThat(report).isNotNull();
        assertThat(report.reportBlocks()).isEmpty();
        assertThat(serialize(buffers, report)).isEqualTo(TestBuffers.bytes(emptyReceiverReport()));
    }
}
