package io.sluice.worker.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RtxTest {

    private final TestBuffers buffers = new TestBuffers();
    private final RtpPacket original = new RtpPacket();
    private final RtpPacket rtx = new RtpPacket();

    @AfterEach
    void releaseAndCheckRefCnt() {
        buffers.close();
    }

    /** A VP8-like packet with an extension and padding, to be retransmitted. */
    static int[] originalPacket() {
        return new int[] {
            0xb1,                   // V=2, P=1, X=1, CC=1
            0xe0,                   // M=1, PT=96
            0x03, 0xe8,             // sequence number 1000
            0x00, 0x00, 0x27, 0x10, // timestamp 10000
            0x11, 0x22, 0x33, 0x44, // SSRC
            0x55, 0x66, 0x77, 0x88, // CSRC
            0xbe, 0xde, 0x00, 0x01, // one-byte extensions, 1 word
            0x51, 0x00, 0x05,       // id 5, 2 bytes: transport-wide seq 5
            0x00,                   // padding
            0x90, 0x80, 0x01, 0x02, // payload
            0x03,
            0x00, 0x00, 0x03,       // 3 bytes of RTP padding
        };
    }

    /** RFC 4588 §4: the same header with RTX PT, SSRC and seq, P cleared, OSN, payload. */
    static int[] rtxPacket() {
        return new int[] {
            0x91,                   // V=2, P=0, X=1, CC=1
            0xe1,                   // M=1 kept, PT=97
            0x00, 0x07,             // RTX sequence number 7
            0x00, 0x00, 0x27, 0x10, // timestamp kept
            0xaa, 0xbb, 0xcc, 0xdd, // RTX SSRC
            0x55, 0x66, 0x77, 0x88, // CSRC kept
            0xbe, 0xde, 0x00, 0x01,
            0x51, 0x00, 0x05,
            0x00,
            0x03, 0xe8,             // OSN 1000
            0x90, 0x80, 0x01, 0x02, // original payload
            0x03,
        };
    }

    @Test
    void rfc4588_section4_writeRtxCarriesTheOriginalSequenceNumberFirst() {
        ByteBuf src = buffers.of(originalPacket());
        ByteBuf dst = buffers.empty(64);
        dst.writeByte(0xee); // bytes already in dst stay in front
        assertThat(original.wrap(src)).isTrue();

        int written = Rtx.writeRtx(original, dst, 97, 0xaabbccddL, 7);

        assertThat(written).isEqualTo(Rtx.rtxLength(original)).isEqualTo(rtxPacket().length);
        assertThat(dst.readByte()).isEqualTo((byte) 0xee);
        assertThat(TestBuffers.readable(dst)).isEqualTo(TestBuffers.bytes(rtxPacket()));
        assertThat(rtx.wrap(dst)).isTrue();
        assertThat(rtx.payloadType()).isEqualTo(97);
        assertThat(rtx.ssrc()).isEqualTo(0xaabbccddL);
        assertThat(rtx.sequenceNumber()).isEqualTo(7);
        assertThat(rtx.transportWideSequenceNumber(5)).isEqualTo(5);
        assertThat(rtx.payloadLength()).isEqualTo(7);
        // The original is untouched.
        assertThat(TestBuffers.readable(src)).isEqualTo(TestBuffers.bytes(originalPacket()));
    }

    /** The original as recovered: its padding is not carried by RTX, so P is clear. */
    static int[] recoveredOriginal() {
        int[] bytes = originalPacket();
        int[] recovered = new int[bytes.length - 3];
        System.arraycopy(bytes, 0, recovered, 0, recovered.length);
        recovered[0] = 0x91;
        return recovered;
    }

    @Test
    void rfc4588_section4_writeOriginalFromRtx() {
        ByteBuf src = buffers.of(rtxPacket());
        ByteBuf dst = buffers.empty(64);
        assertThat(rtx.wrap(src)).isTrue();

        int written = Rtx.writeOriginal(rtx, dst, 96, 0x11223344L);

        assertThat(written).isEqualTo(recoveredOriginal().length);
        assertThat(TestBuffers.readable(dst)).isEqualTo(TestBuffers.bytes(recoveredOriginal()));
    }

    @Test
    void rfc4588_section4_restoreInPlaceMovesTheHeaderOverTheOsn() {
        int[] withPadding = rtxPacket();
        int[] padded = new int[withPadding.length + 4];
        System.arraycopy(withPadding, 0, padded, 0, withPadding.length);
        padded[0] = 0xb1;            // the RTX packet itself is padded (P=1)
        padded[padded.length - 1] = 4;
        ByteBuf buf = buffers.of(padded);
        assertThat(rtx.wrap(buf)).isTrue();

        assertThat(Rtx.restoreInPlace(rtx, 96, 0x11223344L)).isTrue();

        assertThat(buf.readerIndex()).isEqualTo(2);
        assertThat(TestBuffers.readable(buf)).isEqualTo(TestBuffers.bytes(recoveredOriginal()));
        assertThat(rtx.sequenceNumber()).isEqualTo(1000);
        assertThat(rtx.payloadType()).isEqualTo(96);
        assertThat(rtx.ssrc()).isEqualTo(0x11223344L);
        assertThat(rtx.marker()).isTrue();
        assertThat(rtx.transportWideSequenceNumber(5)).isEqualTo(5);
        assertThat(rtx.payloadLength()).isEqualTo(5);
        assertThat(rtx.paddingLength()).isZero();
    }

    @Test
    void rfc4588_section4_roundTripThroughRtxGivesTheOriginalBack() {
        ByteBuf src = buffers.of(originalPacket());
        ByteBuf rtxBuf = buffers.empty(64);
        assertThat(original.wrap(src)).isTrue();
        assertThat(Rtx.writeRtx(original, rtxBuf, 97, 0xaabbccddL, 7)).isPositive();
        assertThat(rtx.wrap(rtxBuf)).isTrue();

        assertThat(Rtx.restoreInPlace(rtx, 96, 0x11223344L)).isTrue();

        assertThat(TestBuffers.readable(rtxBuf)).isEqualTo(TestBuffers.bytes(recoveredOriginal()));
    }

    static Stream<Arguments> rtxWithoutOsn() {
        return Stream.of(
            Arguments.of("no payload", new int[] {0x80, 0x61, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3}),
            Arguments.of("one payload byte", new int[] {0x80, 0x61, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0x03}),
            Arguments.of("padding only", new int[] {0xa0, 0x61, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rtxWithoutOsn")
    void rfc4588_section4_rtxWithoutRoomForAnOsnIsRefused(String name, int[] bytes) {
        ByteBuf buf = buffers.of(bytes);
        ByteBuf dst = buffers.empty(64);
        assertThat(rtx.wrap(buf)).isTrue();

        assertThat(Rtx.writeOriginal(rtx, dst, 96, 1)).isEqualTo(-1);
        assertThat(Rtx.restoreInPlace(rtx, 96, 1)).isFalse();

        assertThat(dst.writerIndex()).isZero();
        assertThat(TestBuffers.readable(buf)).isEqualTo(TestBuffers.bytes(bytes));
        assertThat(buf.readerIndex()).isZero();
    }

    @Test
    void destinationThatCannotGrowIsRefusedWithoutWriting() {
        ByteBuf src = buffers.of(originalPacket());
        ByteBuf small = buffers.bounded(Rtx.rtxLength(wrapped(src)) - 1);

        assertThat(Rtx.writeRtx(original, small, 97, 1, 1)).isEqualTo(-1);
        assertThat(small.writerIndex()).isZero();

        ByteBuf rtxSrc = buffers.of(rtxPacket());
        assertThat(rtx.wrap(rtxSrc)).isTrue();
        ByteBuf tiny = buffers.bounded(8);
        assertThat(Rtx.writeOriginal(rtx, tiny, 96, 1)).isEqualTo(-1);
        assertThat(tiny.writerIndex()).isZero();
    }

    private RtpPacket wrapped(ByteBuf buf) {
        assertThat(original.wrap(buf)).isTrue();
        return original;
    }
}
