package io.sluice.worker.rtp.codecs;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.sluice.worker.rtp.TestBuffers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The AV1 RTP specification §4.4 (aggregation header) and AV1 §5.3.1 (OBU header). */
class Av1PayloadParserTest {

    private final TestBuffers buffers = new TestBuffers();
    private final PayloadParser parser = PayloadParser.forMimeType("video/av1");
    private final PayloadDescriptor d = new PayloadDescriptor();

    @AfterEach
    void release() {
        buffers.close();
    }

    static int[] newCodedVideoSequence() {
        return new int[] {
            0x28,       // Z=0, Y=0, W=2, N=1: first packet of a coded video sequence
            0x0b,       // leb128 length of element 1 = 11
            0x08,       // OBU header: type 1 (sequence header), X=0, S=0
            0x00, 0x00, 0x00, 0x2c, 0xa5, 0x40, 0x12, 0x00, 0x42, 0x10,
            0x30,       // element 2, no length (last of W=2): OBU header type 6 (frame)
            0x10, 0x00,
        };
    }

    @Test
    void av1Rtp_4_4_newCodedVideoSequenceIsAKeyFrame() {
        assertThat(parse(newCodedVideoSequence(), false)).isTrue();

        assertThat(d.keyFrame()).isTrue();
        assertThat(d.startOfFrame()).isTrue();
        assertThat(d.hasLayerIndices()).isFalse();
    }

    @Test
    void av1Rtp_4_4_continuationIsNoStart() {
        int[] payload = {
            0xd0,       // Z=1, Y=1, W=1, N=0: the middle of a fragmented OBU
            0x55, 0x66,
        };
        assertThat(parse(payload, false)).isTrue();

        assertThat(d.keyFrame()).isFalse();
        assertThat(d.startOfFrame()).isFalse();
    }

    @Test
    void av1Rtp_4_4_singleFrameObu() {
        int[] payload = {
            0x10,       // Z=0, Y=0, W=1, N=0
            0x32,       // OBU header: type 6 (frame), X=0, S=1
            0x01, 0x00,
        };
        assertThat(parse(payload, true)).isTrue();

        assertThat(d.startOfFrame()).isTrue();
        assertThat(d.endOfFrame()).isTrue();
        assertThat(d.keyFrame()).isFalse();
    }

    @Test
    void malformed() {
        assertThat(parse(new int[] {0x28}, false)).as("aggregation header alone").isFalse();
        assertThat(parse(new int[] {0x00, 0x85}, false)).as("unterminated leb128").isFalse();
        assertThat(parse(new int[] {0x00, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0x08}, false))
                .as("leb128 over 8 bytes").isFalse();
        assertThat(parse(new int[] {0x00, 0x02}, false)).as("length without an OBU").isFalse();
    }

    @Test
    void everyPrefixAndEveryByteValueParsesWithoutThrowing() {
        ByteBuf scratch = buffers.untracked(new int[64]);
        assertThat(PayloadFuzz.everyPrefixOfEveryOneByteChange(scratch, newCodedVideoSequence(), parser, d))
                .isPositive();
    }

    private boolean parse(int[] payload, boolean marker) {
        ByteBuf buf = buffers.untracked(payload);
        return parser.parse(buf, 0, payload.length, marker, d);
    }
}
