package io.sluice.worker.rtp.codecs;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.sluice.worker.rtp.TestBuffers;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** RFC 7741 §4.2 (payload descriptor, Figure 2) and §4.3 (payload header, Figure 3). */
class Vp8PayloadParserTest {

    private final TestBuffers buffers = new TestBuffers();
    private final PayloadParser parser = PayloadParser.forMimeType("video/vp8");
    private final PayloadDescriptor d = new PayloadDescriptor();

    @AfterEach
    void release() {
        buffers.close();
    }

    /** Every optional field present, 15-bit picture id, first packet of a key frame. */
    static int[] allFieldsKeyFrame() {
        return new int[] {
            0x90,       // X=1, R=0, N=0, S=1, R=0, PID=0
            0xf0,       // I=1, L=1, T=1, K=1, RSV=0
            0x81, 0x23, // M=1, PictureID = 0x0123 = 291 (15 bits)
            0x2a,       // TL0PICIDX = 42
            0x25,       // TID=0 (00), Y=1, KEYIDX=5 (00101)
            0x10,       // §4.3 payload header: Size0=1, H=0, VER=0, P=0: key frame
            0x02, 0x00, // rest of the payload header (sizes)
            0x9d, 0x01, 0x2a, // key frame start code
        };
    }

    @Test
    void rfc7741_section4_2_allOptionalFieldsAndKeyFrame() {
        assertThat(parse(allFieldsKeyFrame(), false)).isTrue();

        assertThat(d.pictureId()).isEqualTo(291);
        assertThat(d.pictureIdBits()).isEqualTo(15);
        assertThat(d.pictureIdOffset()).isEqualTo(2);
        assertThat(d.tl0PicIdx()).isEqualTo(42);
        assertThat(d.tl0PicIdxOffset()).isEqualTo(4);
        assertThat(d.temporalLayer()).isZero();
        assertThat(d.layerSync()).isTrue();
        assertThat(d.keyIndex()).isEqualTo(5);
        assertThat(d.hasLayerIndices()).isTrue();
        assertThat(d.spatialLayer()).isZero();
        assertThat(d.startOfFrame()).isTrue();
        assertThat(d.keyFrame()).isTrue();
        assertThat(d.endOfFrame()).isFalse();
        assertThat(d.interLayerDependency()).isFalse();
    }

    @Test
    void rfc7741_section4_2_sevenBitPictureIdAndTemporalLayer() {
        int[] payload = {
            0x80,       // X=1, S=0, PID=0: a continuation packet
            0xa0,       // I=1, L=0, T=1, K=0
            0x7f,       // M=0, PictureID = 127 (7 bits)
            0x80,       // TID=2 (10), Y=0, KEYIDX ignored (K=0)
            0xaa, 0xbb, // VP8 data
        };
        assertThat(parse(payload, true)).isTrue();

        assertThat(d.pictureId()).isEqualTo(127);
        assertThat(d.pictureIdBits()).isEqualTo(7);
        assertThat(d.tl0PicIdx()).isEqualTo(PayloadDescriptor.ABSENT);
        assertThat(d.temporalLayer()).isEqualTo(2);
        assertThat(d.layerSync()).isFalse();
        assertThat(d.keyIndex()).isEqualTo(PayloadDescriptor.ABSENT);
        assertThat(d.startOfFrame()).isFalse();
        assertThat(d.keyFrame()).isFalse();
        assertThat(d.endOfFrame()).isTrue();
        assertThat(d.marker()).isTrue();
    }

    @Test
    void rfc7741_section4_3_interFrameHasPBitSet() {
        int[] payload = {
            0x10,       // X=0, S=1, PID=0
            0x31,       // §4.3: Size0=1, H=1, VER=0, P=1: inter frame
            0x00, 0x00,
        };
        assertThat(parse(payload, false)).isTrue();

        assertThat(d.startOfFrame()).isTrue();
        assertThat(d.keyFrame()).isFalse();
        assertThat(d.pictureId()).isEqualTo(PayloadDescriptor.ABSENT);
        assertThat(d.hasLayerIndices()).isFalse();
        assertThat(d.temporalLayer()).isZero();
    }

    @Test
    void rfc7741_section4_3_laterPartitionIsNotTheStartOfTheFrame() {
        int[] payload = {
            0x11,       // X=0, S=1, PID=1: start of partition 1, not of the frame
            0x10, 0x00, // would read as a key frame header were it the first partition
        };
        assertThat(parse(payload, false)).isTrue();

        assertThat(d.startOfFrame()).isFalse();
        assertThat(d.keyFrame()).isFalse();
    }

    @Test
    void keyIndexWithoutTemporalLayerLeavesTheLayerUnsignalled() {
        int[] payload = {
            0x80,       // X=1
            0x10,       // K=1 only
            0xc7,       // TID bits 3 and Y set but T=0: ignored; KEYIDX=7
            0xaa,
        };
        assertThat(parse(payload, false)).isTrue();

        assertThat(d.keyIndex()).isEqualTo(7);
        assertThat(d.hasLayerIndices()).isFalse();
        assertThat(d.temporalLayer()).isZero();
        assertThat(d.layerSync()).isFalse();
    }

    @Test
    void truncatedAfterEachFieldIsMalformed() {
        int[] full = allFieldsKeyFrame();
        // Cut before the X byte, in the picture id, before TL0PICIDX, before TID/KEYIDX, before the
        // payload header of a frame's first packet.
        for (int length : new int[] {0, 1, 2, 3, 4, 5, 6}) {
            assertThat(parse(Arrays.copyOf(full, length), false)).as("length %d", length).isFalse();
        }
        assertThat(parse(Arrays.copyOf(full, 7), false)).isTrue();
    }

    @Test
    void truncatedSevenBitPictureIdIsMalformed() {
        assertThat(parse(new int[] {0x80, 0x80}, false)).isFalse();
        assertThat(parse(new int[] {0x80, 0x80, 0x05}, false)).isTrue();
        assertThat(d.pictureId()).isEqualTo(5);
    }

    @Test
    void badBoundsAreMalformedNotExceptions() {
        ByteBuf buf = buffers.of(allFieldsKeyFrame());
        assertThat(parser.parse(buf, -1, 4, false, d)).isFalse();
        assertThat(parser.parse(buf, 0, -1, false, d)).isFalse();
        assertThat(parser.parse(buf, 5, buf.writerIndex(), false, d)).isFalse();
        assertThat(parser.parse(null, 0, 1, false, d)).isFalse();
    }

    @Test
    void everyPrefixAndEveryByteValueParsesWithoutThrowing() {
        PayloadFuzz.everyPrefixOfEveryOneByteChange(buffers.untracked(new int[64]), allFieldsKeyFrame(), parser, d);
    }

    @Test
    void theParserReadsAtTheGivenOffsetAndClearsTheLastPacketsFields() {
        assertThat(parse(allFieldsKeyFrame(), false)).isTrue();
        int[] withHeader = new int[12 + 3];
        withHeader[12] = 0x00; // X=0, S=0
        withHeader[13] = 0xaa;
        ByteBuf buf = buffers.untracked(withHeader);

        assertThat(parser.parse(buf, 12, 3, false, d)).isTrue();

        assertThat(d.pictureId()).isEqualTo(PayloadDescriptor.ABSENT);
        assertThat(d.tl0PicIdx()).isEqualTo(PayloadDescriptor.ABSENT);
        assertThat(d.keyIndex()).isEqualTo(PayloadDescriptor.ABSENT);
        assertThat(d.keyFrame()).isFalse();
        assertThat(d.layerSync()).isFalse();
    }

    private boolean parse(int[] payload, boolean marker) {
        ByteBuf buf = buffers.untracked(payload);
        return parser.parse(buf, 0, payload.length, marker, d);
    }
}
