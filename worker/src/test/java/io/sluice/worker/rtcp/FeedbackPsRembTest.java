package io.sluice.worker.rtcp;

import static io.sluice.worker.rtcp.RtcpTesting.serialize;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.sluice.worker.rtp.TestBuffers;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FeedbackPsRembTest {

    private final TestBuffers buffers = new TestBuffers();

    @AfterEach
    void releaseAndCheckRefCnt() {
        buffers.close();
    }

    static int[] remb() {
        return new int[] {
            0x8f, 0xce, 0x00, 0x06, // V=2, P=0, FMT=15, PT=206, length 6 (28 bytes)
            0xfa, 0x17, 0xfa, 0x17, // SSRC of packet sender
            0x00, 0x00, 0x00, 0x00, // SSRC of media source: 0
            'R', 'E', 'M', 'B',     // unique identifier
            0x02,                   // Num SSRC 2
            0x0b, 0xd0, 0x90,       // BR Exp 2, BR Mantissa 250000: 1 000 000 bit/s
            0x02, 0xd0, 0x37, 0x02, // SSRC feedback
            0x04, 0xa7, 0x67, 0x47, // SSRC feedback
        };
    }

    @Test
    void draftAlvestrandRmcatRemb_section2_2_bitrateAndSsrcs() {
        ByteBuf buf = buffers.of(remb());

        FeedbackPsRemb remb = FeedbackPsRemb.parse(buf, 0, buf.readableBytes());

        assertThat(remb).isNotNull();
        assertThat(remb.packetType()).isEqualTo(206);
        assertThat(remb.count()).isEqualTo(15);
        assertThat(remb.senderSsrc()).isEqualTo(0xfa17fa17L);
        assertThat(remb.mediaSsrc()).isZero();
        assertThat(remb.bitrate()).isEqualTo(1_000_000);
        assertThat(remb.ssrcs()).containsExactly(0x02d03702L, 0x04a76747L);
        assertThat(serialize(buffers, remb)).isEqualTo(TestBuffers.bytes(remb()));
    }

    @Test
    void draftAlvestrandRmcatRemb_section2_2_unrepresentableBitrateIsRoundedDown() {
        FeedbackPsRemb remb = new FeedbackPsRemb(1, 0, 1_234_567, List.of(2L));
        ByteBuf buf = buffers.empty(64);
        remb.writeTo(buf);

        FeedbackPsRemb parsed = FeedbackPsRemb.parse(buf, 0, buf.readableBytes());

        assertThat(parsed.bitrate()).isLessThanOrEqualTo(1_234_567).isGreaterThan(1_234_567 - 8);
        assertThat(parsed.ssrcs()).containsExactly(2L);
    }

    @Test
    void draftAlvestrandRmcatRemb_section2_2_hugeExponentSaturates() {
        int[] bytes = remb();
        bytes[17] = 0xff; // BR Exp 63
        ByteBuf buf = buffers.of(bytes);

        assertThat(FeedbackPsRemb.parse(buf, 0, buf.readableBytes()).bitrate()).isEqualTo(Long.MAX_VALUE);
    }
}
