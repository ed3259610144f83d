package io.sluice.worker.rtcp;

import static io.sluice.worker.rtcp.RtcpTesting.serialize;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.sluice.worker.rtp.TestBuffers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FeedbackPsPliTest {

    private final TestBuffers buffers = new TestBuffers();

    @AfterEach
    void releaseAndCheckRefCnt() {
        buffers.close();
    }

    static int[] pli() {
        return new int[] {
            0x81, 0xce, 0x00, 0x02, // V=2, P=0, FMT=1, PT=206, length 2 (12 bytes)
            0x00, 0x00, 0x00, 0x01, // SSRC of packet sender
            0x03, 0x9c, 0x6b, 0x27, // SSRC of media source
        };
    }

    @Test
    void rfc4585_section6_3_1_pictureLossIndicationHasNoFci() {
        ByteBuf buf = buffers.of(pli());

        FeedbackPsPli pli = FeedbackPsPli.parse(buf, 0, buf.readableBytes());

        assertThat(pli).isEqualTo(new FeedbackPsPli(1, 0x039c6b27L));
        assertThat(pli.packetType()).isEqualTo(206);
        assertThat(pli.count()).isEqualTo(1);
        assertThat(serialize(buffers, pli)).isEqualTo(TestBuffers.bytes(pli()));
    }
}
