package io.sluice.worker.rtcp;

import static io.sluice.worker.rtcp.RtcpTesting.serialize;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.sluice.worker.rtp.TestBuffers;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ByeTest {

    private final TestBuffers buffers = new TestBuffers();

    @AfterEach
    void releaseAndCheckRefCnt() {
        buffers.close();
    }

    static int[] byeWithReason() {
        return new int[] {
            0x82, 0xcb, 0x00, 0x04, // V=2, P=0, SC=2, PT=203, length 4 (20 bytes)
            0x00, 0x00, 0x12, 0x34, // SSRC
            0x00, 0x00, 0x56, 0x78, // SSRC
            0x06, 'c', 'a', 'm', 'e', 'r', 'a', // reason: length 6, "camera"
            0x00,                   // padding to the word
        };
    }

    @Test
    void rfc3550_section6_6_byeWithReason() {
        ByteBuf buf = buffers.of(byeWithReason());

        Bye bye = Bye.parse(buf, 0, buf.readableBytes());

        assertThat(bye).isNotNull();
        assertThat(bye.packetType()).isEqualTo(203);
        assertThat(bye.count()).isEqualTo(2);
        assertThat(bye.ssrcs()).containsExactly(0x1234L, 0x5678L);
        assertThat(bye.reason()).isEqualTo("camera");
        assertThat(serialize(buffers, bye)).isEqualTo(TestBuffers.bytes(byeWithReason()));
    }

    @Test
    void rfc3550_section6_6_byeWithoutReason() {
        int[] bytes = {
            0x81, 0xcb, 0x00, 0x01, // SC=1, length 1
            0xff, 0xff, 0xff, 0xfe, // SSRC
        };
        ByteBuf buf = buffers.of(bytes);

        Bye bye = Bye.parse(buf, 0, buf.readableBytes());

        assertThat(bye).isEqualTo(new Bye(List.of(0xfffffffeL), ""));
        assertThat(serialize(buffers, bye)).isEqualTo(TestBuffers.bytes(bytes));
    }
}
