package io.sluice.worker.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RtpPacketTest {

    private final TestBuffers buffers = new TestBuffers();
    private final RtpPacket packet = new RtpPacket();

    @AfterEach
    void releaseAndCheckRefCnt() {
        buffers.close();
    }

    /** RFC 3550 §5.1 header with two CSRCs and RFC 8285 §4.2 one-byte extension elements. */
    static int[] oneByteExtensionPacket() {
        return new int[] {
            0x92,                   // V=2, P=0, X=1, CC=2
            0xe4,                   // M=1, PT=100
            0x12, 0x34,             // sequence number 4660
            0x00, 0x01, 0xe2, 0x40, // timestamp 123456
            0xde, 0xad, 0xbe, 0xef, // SSRC
            0x11, 0x11, 0x11, 0x11, // CSRC 1
            0x22, 0x22, 0x22, 0x22, // CSRC 2
            0xbe, 0xde, 0x00, 0x03, // 0xBEDE, 3 words of elements
            0x10, 0xd5,             // id 1, L=0 (1 byte): audio level, V=1, level 85
            0x22, 0x01, 0x02, 0x03, // id 2, L=2 (3 bytes): abs-send-time 0x010203
            0x31, 0x00, 0x2a,       // id 3, L=1 (2 bytes): transport-wide seq 42
            0x40, 0x31,             // id 4, L=0 (1 byte): mid "1"
            0x00,                   // padding
            0xca, 0xfe, 0xba, 0xbe, // payload
            0x01,
        };
    }

    @Test
    void rfc3550_section5_1_fixedHeaderCsrcsAndRfc8285Section4_2OneByteElements() {
        ByteBuf buf = buffers.of(oneByteExtensionPacket());

        assertThat(packet.wrap(buf)).isTrue();

        assertThat(packet.version()).isEqualTo(2);
        assertThat(packet.hasPadding()).isFalse();
        assertThat(packet.hasHeaderExtension()).isTrue();
        assertThat(packet.csrcCount()).isEqualTo(2);
        assertThat(packet.marker()).isTrue();
        assertThat(packet.payloadType()).isEqualTo(100);
        assertThat(packet.sequenceNumber()).isEqualTo(4660);
        assertThat(packet.timestamp()).isEqualTo(123456);
        assertThat(packet.ssrc()).isEqualTo(0xdeadbeefL);
        assertThat(packet.csrc(0)).isEqualTo(0x11111111L);
        assertThat(packet.csrc(1)).isEqualTo(0x22222222L);
        assertThat(packet.headerLength()).isEqualTo(36);
        assertThat(packet.payloadOffset()).isEqualTo(buf.readerIndex() + 36);
        assertThat(packet.payloadLength()).isEqualTo(5);
        assertThat(packet.paddingLength()).isZero();
        assertThat(packet.extensionProfile()).isEqualTo(RtpPacket.ONE_BYTE_EXTENSION_PROFILE);
        assertThat(packet.hasOneByteExtensions()).isTrue();
        assertThat(packet.hasTwoByteExtensions()).isFalse();
        assertThat(packet.extensionValueOffset()).isEqualTo(24);
        assertThat(packet.extensionValueLength()).isEqualTo(12);

        assertThat(packet.extensionOffset(1)).isEqualTo(25);
        assertThat(packet.extensionLength(1)).isEqualTo(1);
        assertThat(packet.extensionLength(2)).isEqualTo(3);
        assertThat(packet.extensionLength(3)).isEqualTo(2);
        assertThat(packet.extensionLength(4)).isEqualTo(1);
        assertThat(packet.hasExtension(5)).isFalse();
        assertThat(packet.extensionOffset(5)).isEqualTo(-1);
        assertThat(packet.extensionLength(0)).isEqualTo(-1);
        assertThat(packet.extensionLength(256)).isEqualTo(-1);

        assertThat(packet.audioLevel(1)).isEqualTo(85);
        assertThat(packet.voiceActivity(1)).isTrue();
        assertThat(packet.absSendTime(2)).isEqualTo(0x010203);
        assertThat(packet.transportWideSequenceNumber(3)).isEqualTo(42);
        assertThat(packet.extensionEquals(4, "1")).isTrue();
        assertThat(packet.extensionEquals(4, "2")).isFalse();
        assertThat(packet.extensionEquals(4, "10")).isFalse();
        assertThat(packet.extensionEquals(5, "1")).isFalse();
        byte[] mid = new byte[16];
        assertThat(packet.copyExtension(4, mid, 3)).isEqualTo(1);
        assertThat(mid[3]).isEqualTo((byte) '1');
        assertThat(packet.copyExtension(2, new byte[2], 0)).isEqualTo(-1);
        // Wrong lengths for the known extensions read as absent.
        assertThat(packet.absSendTime(3)).isEqualTo(-1);
        assertThat(packet.transportWideSequenceNumber(2)).isEqualTo(-1);
        assertThat(packet.audioLevel(9)).isEqualTo(-1);
        assertThat(packet.voiceActivity(9)).isFalse();
    }

    @Test
    void rfc8285_section4_3_twoByteElementsIncludingEmptyOne() {
        ByteBuf buf = buffers.of(
            0x90, 0x60, 0x00, 0x01, // V=2, X=1, CC=0, M=0, PT=96, seq 1
            0x00, 0x00, 0x00, 0x02, // timestamp 2
            0x00, 0x00, 0x00, 0x03, // SSRC 3
            0x10, 0x00, 0x00, 0x03, // 0x1000 (two-byte, appbits 0), 3 words
            0x05, 0x00,             // id 5, length 0
            0x00,                   // padding between elements
            0x14, 0x02, 0x68, 0x69, // id 20, length 2: rid "hi"
            0x0d, 0x01, 0x0b,       // id 13, length 1: video orientation C=1 F=0 R=3
            0x00, 0x00,             // padding
            0x77);                  // payload

        assertThat(packet.wrap(buf)).isTrue();

        assertThat(packet.hasTwoByteExtensions()).isTrue();
        assertThat(packet.extensionProfile()).isEqualTo(0x1000);
        assertThat(packet.extensionLength(5)).isZero();
        assertThat(packet.hasExtension(5)).isTrue();
        assertThat(packet.extensionEquals(20, "hi")).isTrue();
        assertThat(packet.videoOrientation(13)).isEqualTo(0x0b);
        assertThat(VideoOrientation.isBackCamera(0x0b)).isTrue();
        assertThat(VideoOrientation.isFlipped(0x0b)).isFalse();
        assertThat(VideoOrientation.rotationDegrees(0x0b)).isEqualTo(270);
        assertThat(packet.payloadLength()).isEqualTo(1);
        assertThat(packet.payloadOffset()).isEqualTo(28);
    }

    @Test
    void rfc3550_section5_3_1_genericExtensionIsExposedWithoutElements() {
        ByteBuf buf = buffers.of(
            0x90, 0x60, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x03,
            0xab, 0xcd, 0x00, 0x01, // profile 0xABCD, 1 word
            0x10, 0x20, 0x30, 0x40, // opaque extension data
            0x55);

        assertThat(packet.wrap(buf)).isTrue();

        assertThat(packet.extensionProfile()).isEqualTo(0xabcd);
        assertThat(packet.hasOneByteExtensions()).isFalse();
        assertThat(packet.hasTwoByteExtensions()).isFalse();
        assertThat(packet.extensionValueOffset()).isEqualTo(16);
        assertThat(packet.extensionValueLength()).isEqualTo(4);
        assertThat(packet.hasExtension(1)).isFalse();
        assertThat(packet.setExtensionId(1, 2)).isFalse();
        assertThat(packet.payloadLength()).isEqualTo(1);
    }

    @Test
    void rfc8285_section4_2_id15StopsParsingTheBlock() {
        ByteBuf buf = buffers.of(
            0x90, 0x60, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x03,
            0xbe, 0xde, 0x00, 0x01,
            0x10, 0x07,             // id 1, 1 byte
            0xf0, 0x21);            // id 15: stop; the bytes after it are not elements

        assertThat(packet.wrap(buf)).isTrue();

        assertThat(packet.audioLevel(1)).isEqualTo(7);
        assertThat(packet.hasExtension(2)).isFalse();
        assertThat(packet.payloadLength()).isZero();
    }

    @Test
    void rfc8285_section4_2_id0IsAPaddingByteWhateverItsLength() {
        ByteBuf buf = buffers.of(
            0x90, 0x60, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x03,
            0xbe, 0xde, 0x00, 0x01,
            0x03,                   // ID 0 with L=3: one padding byte, not a 4-byte element
            0x10, 0x07,             // id 1, 1 byte
            0x00);

        assertThat(packet.wrap(buf)).isTrue();

        assertThat(packet.audioLevel(1)).isEqualTo(7);
        assertThat(packet.extensionOffset(0)).isEqualTo(-1);
    }

    @Test
    void rfc3550_section5_1_paddingIsExcludedFromThePayload() {
        ByteBuf buf = buffers.of(
            0xa0, 0x6f, 0xff, 0xff, // V=2, P=1, PT=111, seq 65535
            0xff, 0xff, 0xff, 0xff, // timestamp 2^32-1
            0x00, 0x00, 0x00, 0x01,
            0x01, 0x02, 0x03,       // payload
            0x00, 0x00, 0x00, 0x04); // 4 bytes of padding, count included

        assertThat(packet.wrap(buf)).isTrue();

        assertThat(packet.hasPadding()).isTrue();
        assertThat(packet.extensionProfile()).isEqualTo(RtpPacket.NO_EXTENSION);
        assertThat(packet.extensionValueLength()).isZero();
        assertThat(packet.sequenceNumber()).isEqualTo(65535);
        assertThat(packet.timestamp()).isEqualTo(0xffffffffL);
        assertThat(packet.payloadLength()).isEqualTo(3);
        assertThat(packet.paddingLength()).isEqualTo(4);
    }

    @Test
    void rewritesSsrcPayloadTypeSequenceTimestampAndMarkerInPlace() {
        ByteBuf buf = buffers.of(oneByteExtensionPacket());
        assertThat(packet.wrap(buf)).isTrue();

        packet.setSsrc(0x01020304L);
        packet.setPayloadType(101);
        packet.setSequenceNumber(0xfffe);
        packet.setTimestamp(0xfedcba98L);
        packet.setMarker(false);

        int[] expected = oneByteExtensionPacket();
        expected[1] = 101;                  // M=0, PT=101
        expected[2] = 0xff;
        expected[3] = 0xfe;
        expected[4] = 0xfe;
        expected[5] = 0xdc;
        expected[6] = 0xba;
        expected[7] = 0x98;
        expected[8] = 0x01;
        expected[9] = 0x02;
        expected[10] = 0x03;
        expected[11] = 0x04;
        assertThat(TestBuffers.readable(buf)).isEqualTo(TestBuffers.bytes(expected));
        assertThat(packet.wrap(buf)).isTrue();
        assertThat(packet.payloadType()).isEqualTo(101);
        assertThat(packet.marker()).isFalse();

        packet.setMarker(true);
        packet.setPayloadType(0);
        assertThat((int) buf.getUnsignedByte(1)).isEqualTo(0x80);
        assertThat(packet.marker()).isTrue();
    }

    @Test
    void draftHolmer_section2_transportWideSequenceNumberIsWrittenInPlace() {
        ByteBuf buf = buffers.of(oneByteExtensionPacket());
        assertThat(packet.wrap(buf)).isTrue();

        assertThat(packet.setTransportWideSequenceNumber(3, 0xabcd)).isTrue();
        assertThat(packet.setTransportWideSequenceNumber(2, 1)).isFalse();
        assertThat(packet.setTransportWideSequenceNumber(9, 1)).isFalse();

        assertThat(buf.getUnsignedShort(31)).isEqualTo(0xabcd);
        assertThat(packet.transportWideSequenceNumber(3)).isEqualTo(0xabcd);
    }

    @Test
    void rfc8285_section4_setExtensionIdRewritesTheElementHeader() {
        ByteBuf buf = buffers.of(oneByteExtensionPacket());
        assertThat(packet.wrap(buf)).isTrue();

        assertThat(packet.setExtensionId(3, 7)).isTrue();

        assertThat((int) buf.getUnsignedByte(30)).isEqualTo(0x71); // id 7, L=1
        assertThat(packet.hasExtension(3)).isFalse();
        assertThat(packet.transportWideSequenceNumber(7)).isEqualTo(42);
        assertThat(packet.setExtensionId(7, 7)).isTrue();
        // Taken, out of the one-byte range, absent.
        assertThat(packet.setExtensionId(7, 1)).isFalse();
        assertThat(packet.setExtensionId(7, 15)).isFalse();
        assertThat(packet.setExtensionId(7, 0)).isFalse();
        assertThat(packet.setExtensionId(3, 8)).isFalse();
        // The view of a re-wrapped packet agrees with the in-place view.
        assertThat(packet.wrap(buf)).isTrue();
        assertThat(packet.transportWideSequenceNumber(7)).isEqualTo(42);
        assertThat(packet.hasExtension(3)).isFalse();
    }

    @Test
    void rfc8285_section4_remapExtensionIdsSwapsAndRemovesAsPadding() {
        ByteBuf buf = buffers.of(oneByteExtensionPacket());
        assertThat(packet.wrap(buf)).isTrue();
        byte[] idMap = new byte[256];
        idMap[1] = 2; // swap audio level and abs-send-time ids
        idMap[2] = 1;
        idMap[3] = 0; // drop transport-wide seq
        idMap[4] = 10;

        assertThat(packet.remapExtensionIds(idMap)).isTrue();

        int[] expected = oneByteExtensionPacket();
        expected[24] = 0x20;               // id 2, L=0
        expected[26] = 0x12;               // id 1, L=2
        expected[30] = 0x00;               // id 3 element zeroed: padding
        expected[31] = 0x00;
        expected[32] = 0x00;
        expected[33] = 0xa0;               // id 10, L=0
        assertThat(TestBuffers.readable(buf)).isEqualTo(TestBuffers.bytes(expected));
        assertThat(packet.audioLevel(2)).isEqualTo(85);
        assertThat(packet.absSendTime(1)).isEqualTo(0x010203);
        assertThat(packet.hasExtension(3)).isFalse();
        assertThat(packet.extensionEquals(10, "1")).isTrue();
        assertThat(packet.hasExtension(4)).isFalse();

        assertThat(packet.wrap(buf)).isTrue();
        assertThat(packet.audioLevel(2)).isEqualTo(85);
        assertThat(packet.absSendTime(1)).isEqualTo(0x010203);
        assertThat(packet.hasExtension(3)).isFalse();
        assertThat(packet.extensionEquals(10, "1")).isTrue();
    }

    @Test
    void rfc8285_section4_remapRefusesCollisionsAndOutOfRangeIdsWithoutWriting() {
        ByteBuf buf = buffers.of(oneByteExtensionPacket());
        assertThat(packet.wrap(buf)).isTrue();
        byte[] collision = new byte[256];
        collision[1] = 5;
        collision[2] = 5;
        collision[3] = 3;
        collision[4] = 4;
        byte[] outOfRange = new byte[256];
        outOfRange[1] = 1;
        outOfRange[2] = 2;
        outOfRange[3] = 3;
        outOfRange[4] = (byte) 200;

        assertThat(packet.remapExtensionIds(collision)).isFalse();
        assertThat(packet.remapExtensionIds(outOfRange)).isFalse();

        assertThat(TestBuffers.readable(buf)).isEqualTo(TestBuffers.bytes(oneByteExtensionPacket()));
        assertThat(packet.audioLevel(1)).isEqualTo(85);
    }

    @Test
    void rfc8285_section4_3_twoByteFormTakesIdsAbove14() {
        ByteBuf buf = buffers.of(
            0x90, 0x60, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x03,
            0x10, 0x00, 0x00, 0x01,
            0x03, 0x02, 0x00, 0x07); // id 3, length 2: transport-wide seq 7

        assertThat(packet.wrap(buf)).isTrue();
        assertThat(packet.setExtensionId(3, 200)).isTrue();

        assertThat((int) buf.getUnsignedByte(16)).isEqualTo(200);
        assertThat(packet.wrap(buf)).isTrue();
        assertThat(packet.transportWideSequenceNumber(200)).isEqualTo(7);
    }

    @Test
    void reusedViewForgetsThePreviousPacketsExtensions() {
        ByteBuf withExtensions = buffers.of(oneByteExtensionPacket());
        ByteBuf plain = buffers.of(0x80, 0x60, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x03);

        assertThat(packet.wrap(withExtensions)).isTrue();
        assertThat(packet.wrap(plain)).isTrue();

        for (int id = 1; id <= 4; id++) {
            assertThat(packet.hasExtension(id)).isFalse();
        }
        assertThat(packet.extensionProfile()).isEqualTo(RtpPacket.NO_EXTENSION);
        assertThat(packet.payloadLength()).isZero();
    }

    @Test
    void wrapsAtTheReaderIndex() {
        ByteBuf buf = buffers.of(0xff, 0xff, 0x80, 0x60, 0x00, 0x09, 0, 0, 0, 0, 0, 0, 0, 5, 0x42);
        buf.readerIndex(2);

        assertThat(packet.wrap(buf)).isTrue();

        assertThat(packet.offset()).isEqualTo(2);
        assertThat(packet.length()).isEqualTo(13);
        assertThat(packet.sequenceNumber()).isEqualTo(9);
        assertThat(packet.ssrc()).isEqualTo(5);
        assertThat(packet.payloadOffset()).isEqualTo(14);
        assertThat(packet.buffer()).isSameAs(buf);
    }

    static Stream<Arguments> malformedPackets() {
        return Stream.of(
            Arguments.of("empty", new int[] {}),
            Arguments.of("truncated fixed header", new int[] {0x80, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0}),
            Arguments.of("version 0", new int[] {0x00, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3}),
            Arguments.of("version 1", new int[] {0x40, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3}),
            Arguments.of("version 3", new int[] {0xc0, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3}),
            Arguments.of("CSRC count past the end", new int[] {0x81, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0}),
            Arguments.of("X bit without room for the extension header",
                new int[] {0x90, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0xbe, 0xde}),
            Arguments.of("extension length overrun",
                new int[] {0x90, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0xbe, 0xde, 0x00, 0x02, 0x10, 0x01, 0, 0}),
            Arguments.of("one-byte element past its block",
                new int[] {0x90, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0xbe, 0xde, 0x00, 0x01, 0x00, 0x00, 0x13, 0x01}),
            Arguments.of("two-byte element length past its block",
                new int[] {0x90, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0x10, 0x00, 0x00, 0x01, 0x01, 0x03, 0x00, 0x00}),
            Arguments.of("two-byte element without its length byte",
                new int[] {0x90, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0x10, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01}),
            Arguments.of("padding count 0", new int[] {0xa0, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0x01, 0x00}),
            Arguments.of("padding bigger than the packet",
                new int[] {0xa0, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0x01, 0x02, 0x03, 0xff}),
            Arguments.of("padding eating into the header",
                new int[] {0xa0, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0x00, 0x05}),
            Arguments.of("padding eating into the extension",
                new int[] {0xb0, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0xbe, 0xde, 0x00, 0x01, 0x10, 0x01, 0x00, 0x02}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedPackets")
    void malformedPacketsAreRejectedWithoutThrowing(String name, int[] bytes) {
        ByteBuf buf = buffers.of(bytes);

        assertThat(packet.wrap(buf)).isFalse();
        assertThat(packet.hasExtension(1)).isFalse();
        assertThat(buf.readerIndex()).isZero();
        assertThat(buf.writerIndex()).isEqualTo(bytes.length);
    }
}
