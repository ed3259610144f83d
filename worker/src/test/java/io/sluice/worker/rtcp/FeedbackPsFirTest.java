package io.sluice.worker.rtcp;

import static io.sluice.worker.rtcp.RtcpTesting.serialize;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.sluice.worker.rtp.TestBuffers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FeedbackPsFirTest {

    private final TestBuffers buffers = new TestBuffers();

    @AfterEach
    void releaseAndCheckRefCnt() {
        buffers.close();
    }

    static int[] fir() {
        return new int[] {
            0x84, 0xce, 0x00, 0x06, // V=2, P=0, FMT=4, PT=206, length 6 (28 bytes)
            0xfa, 0x17, 0xfa, 0x17, // SSRC of packet sender
            0x00, 0x00, 0x00, 0x00, // SSRC of media source: 0 (RFC 5104 §4.3.1.2)
            0x00, 0x00, 0x00, 0x05, // entry 1: SSRC 5
            0x07, 0x00, 0x00, 0x00, // seq nr 7, reserved
            0x00, 0x00, 0x00, 0x06, // entry 2: SSRC 6
            0xff, 0x00, 0x00, 0x00, // seq nr 255, reserved
        };
    }

    @Test
    void rfc5104_section4_3_1_fullIntraRequestEntries() {
        ByteBuf buf = buffers.of(fir());

        FeedbackPsFir fir = FeedbackPsFir.parse(buf, 0, buf.readableBytes());

        assertThat(fir).isNotNull();
        assertThat(fir.packetType()).isEqualTo(206);
        assertThat(fir.count()).isEqualTo(4);
        assertThat(fir.senderSsrc()).isEqualTo(0xfa17fa17L);
        assertThat(fir.mediaSsrc()).isZero();
        assertThat(fir.entries()).containsExactly(new FeedbackPsFir.Entry(5, 7), new FeedbackPsFir.Entry(6, 255));
        assertThat(serialize(buffers, fir)).isEqualTo(TestBuffers.bytes(fir()));
    }

    @Test
    void rfc5104_section4_3_1_1_ofOneMediaSsrc() {
        FeedbackPsFir fir = FeedbackPsFir.of(0xfa17fa17L, 5, 263);

        assertThat(fir.mediaSsrc()).isZero();
        assertThat(fir.entries()).containsExactly(new FeedbackPsFir.Entry(5, 7));
    }
}
