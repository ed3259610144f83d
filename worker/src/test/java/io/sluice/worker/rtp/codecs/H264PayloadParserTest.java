package io.sluice.worker.rtp.codecs;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.sluice.worker.rtp.TestBuffers;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** RFC 6184 §5.6 (single NAL unit), §5.7.1 (STAP-A), §5.8 (FU-A). */
class H264PayloadParserTest {

    private final TestBuffers buffers = new TestBuffers();
    private final PayloadParser parser = PayloadParser.forMimeType("video/H264");
    private final PayloadDescriptor d = new PayloadDescriptor();

    @AfterEach
    void release() {
        buffers.close();
    }

    static int[] stapAWithSpsAndPps() {
        return new int[] {
            0x78,                   // F=0, NRI=3, type 24: STAP-A
            0x00, 0x04,             // NALU 1 size 4
            0x67, 0x42, 0xc0, 0x1f, // SPS (type 7), profile 66, constraints, level 31
            0x00, 0x03,             // NALU 2 size 3
            0x68, 0xce, 0x3c,       // PPS (type 8)
        };
    }

    @Test
    void rfc6184_section5_7_1_stapAWithParameterSetsIsAKeyFrameStart() {
        assertThat(parse(stapAWithSpsAndPps(), false)).isTrue();

        assertThat(d.keyFrame()).isTrue();
        assertThat(d.startOfFrame()).isTrue();
        assertThat(d.endOfFrame()).isFalse();
        assertThat(d.hasLayerIndices()).isFalse();
    }

    @Test
    void rfc6184_section5_6_singleIdrSlice() {
        int[] payload = {
            0x65,       // F=0, NRI=3, type 5: IDR slice
            0x88,       // slice header: first_mb_in_slice ue(v) = '1' = 0, ...
            0x84, 0x00,
        };
        assertThat(parse(payload, true)).isTrue();

        assertThat(d.keyFrame()).isTrue();
        assertThat(d.startOfFrame()).isTrue();
        assertThat(d.endOfFrame()).isTrue();
    }

    @Test
    void rfc6184_section5_6_secondSliceOfAPictureIsNoStart() {
        int[] payload = {
            0x41,       // NRI=2, type 1: non-IDR slice
            0x5a,       // first_mb_in_slice ue(v) = '010' = 1: not the first slice
            0x00,
        };
        assertThat(parse(payload, false)).isTrue();

        assertThat(d.keyFrame()).isFalse();
        assertThat(d.startOfFrame()).isFalse();
    }

    @Test
    void rfc6184_section5_8_fuAStartOfAnIdrSliceOnly() {
        int[] start = {
            0x7c,       // FU indicator: NRI=3, type 28
            0x85,       // FU header: S=1, E=0, R=0, type 5
            0x88, 0x80, // slice header: first_mb_in_slice = 0
        };
        assertThat(parse(start, false)).isTrue();
        assertThat(d.keyFrame()).isTrue();
        assertThat(d.startOfFrame()).isTrue();

        int[] middle = {
            0x7c,       // FU indicator
            0x05,       // FU header: S=0, E=0, type 5
            0x11, 0x22,
        };
        assertThat(parse(middle, false)).isTrue();
        assertThat(d.keyFrame()).isFalse();
        assertThat(d.startOfFrame()).isFalse();

        int[] end = {
            0x7c,
            0x41,       // FU header: S=0, E=1, type 1
            0x33,
        };
        assertThat(parse(end, true)).isTrue();
        assertThat(d.keyFrame()).isFalse();
        assertThat(d.endOfFrame()).isTrue();
    }

    @Test
    void malformedAggregatesAndFragments() {
        int[] full = stapAWithSpsAndPps();
        for (int length : new int[] {0, 1, 2, 4, 8, 10, 11}) {
            assertThat(parse(Arrays.copyOf(full, length), false)).as("STAP-A length %d", length).isFalse();
        }
        assertThat(parse(new int[] {0x78, 0x00, 0x00}, false)).as("zero-sized NAL unit").isFalse();
        assertThat(parse(new int[] {0x7c}, false)).as("FU-A without its header").isFalse();
        assertThat(parse(new int[] {0x00, 0x00}, false)).as("NAL type 0").isFalse();
    }

    @Test
    void everyPrefixAndEveryByteValueParsesWithoutThrowing() {
        ByteBuf scratch = buffers.untracked(new int[64]);
        assertThat(PayloadFuzz.everyPrefixOfEveryOneByteChange(scratch, stapAWithSpsAndPps(), parser, d)).isPositive();
    }

    private boolean parse(int[] payload, boolean marker) {
        ByteBuf buf = buffers.untracked(payload);
        return parser.parse(buf, 0, payload.length, marker, d);
    }
}
