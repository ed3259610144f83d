package io.sluice.worker.rtcp;

import static io.sluice.worker.rtcp.RtcpTesting.serialize;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.sluice.worker.rtp.TestBuffers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FeedbackRtpNackTest {

    private final TestBuffers buffers = new TestBuffers();

    @AfterEach
    void releaseAndCheckRefCnt() {
        buffers.close();
    }

    static int[] nack() {
        return new int[] {
            0x81, 0xcd, 0x00, 0x04, // V=2, P=0, FMT=1, PT=205, length 4 (20 bytes)
            0x00, 0x00, 0x00, 0x01, // SSRC of packet sender
            0x12, 0x34, 0x56, 0x78, // SSRC of media source
            0xff, 0xfe, 0x80, 0x05, // PID 65534, BLP bits 0, 2, 15: 65535, 1, 14 (wrapping)
            0x00, 0x20, 0x00, 0x00, // PID 32, BLP empty
        };
    }

    @Test
    void rfc4585_section6_2_1_genericNackPidAndBlp() {
        ByteBuf buf = buffers.of(nack());

        FeedbackRtpNack nack = FeedbackRtpNack.parse(buf, 0, buf.readableBytes());

        assertThat(nack).isNotNull();
        assertThat(nack.packetType()).isEqualTo(205);
        assertThat(nack.count()).isEqualTo(1);
        assertThat(nack.senderSsrc()).isEqualTo(1);
        assertThat(nack.mediaSsrc()).isEqualTo(0x12345678L);
        assertThat(nack.items()).containsExactly(
            new FeedbackRtpNack.Item(65534, 0x8005), new FeedbackRtpNack.Item(32, 0));
        assertThat(nack.lostSequenceNumbers()).containsExactly(65534, 65535, 1, 14, 32);
        assertThat(serialize(buffers, nack)).isEqualTo(TestBuffers.bytes(nack()));
    }

    @Test
    void rfc4585_section6_2_1_buildFromLostSequenceNumbers() {
        FeedbackRtpNack nack = FeedbackRtpNack.ofLostSequenceNumbers(1, 0x12345678L,
            new int[] {65534, 65535, 1, 14, 32});

        assertThat(serialize(buffers, nack)).isEqualTo(TestBuffers.bytes(nack()));
    }

    @Test
    void rfc4585_section6_2_1_eighteenConsecutiveLossesNeedTwoItems() {
        int[] lost = new int[18]; // PID + 16 BLP bits cover 17
        for (int i = 0; i < lost.length; i++) {
            lost[i] = 100 + i;
        }

        FeedbackRtpNack nack = FeedbackRtpNack.ofLostSequenceNumbers(1, 2, lost);

        assertThat(nack.items()).containsExactly(
            new FeedbackRtpNack.Item(100, 0xffff), new FeedbackRtpNack.Item(117, 0));
        assertThat(nack.lostSequenceNumbers()).isEqualTo(lost);
    }

    @Test
    void rfc4585_section6_2_1_emptyListBuildsNoItem() {
        assertThat(FeedbackRtpNack.ofLostSequenceNumbers(1, 2, new int[0]).items()).isEmpty();
    }
}
