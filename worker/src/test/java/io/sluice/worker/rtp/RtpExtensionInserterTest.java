package io.sluice.worker.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RtpExtensionInserterTest {

    /** Room the tests leave after the packet, as a sender leaves for SRTP's tag. */
    private static final int SRTP_ROOM = 10;

    private final TestBuffers buffers = new TestBuffers();
    private final RtpPacket packet = new RtpPacket();
    private final RtpExtensionInserter inserter = new RtpExtensionInserter();

    @AfterEach
    void releaseAndCheckRefCnt() {
        buffers.close();
    }

    private ByteBuf wrapped(int capacity, int... bytes) {
        ByteBuf buf = buffers.bounded(capacity);
        for (int b : bytes) {
            buf.writeByte(b);
        }
        assertThat(packet.wrap(buf)).isTrue();
        return buf;
    }

    private void assertBytes(ByteBuf buf, int... expected) {
        assertThat(TestBuffers.readable(buf)).isEqualTo(TestBuffers.bytes(expected));
        RtpPacket reparsed = new RtpPacket();
        assertThat(reparsed.wrap(buf)).as("the grown packet parses").isTrue();
    }

    @Test
    void rfc8285_section4_2_aPacketWithoutExtensionGetsAOneByteBlock() {
        ByteBuf buf = wrapped(64,
                0x81, 0x60, 0x00, 0x01,  // V=2, X=0, CC=1, PT=96, seq 1
                0x00, 0x00, 0x00, 0x02,  // timestamp
                0x00, 0x00, 0x00, 0x03,  // SSRC
                0x00, 0x00, 0x00, 0x04,  // CSRC
                0xaa, 0xbb, 0xcc);       // payload

        int value = inserter.insert(packet, 5, 2, SRTP_ROOM);
        packet.setTransportWideSequenceNumber(5, 0x0102);

        assertThat(value).isEqualTo(packet.extensionOffset(5));
        assertBytes(buf,
                0x91, 0x60, 0x00, 0x01,  // X=1 now
                0x00, 0x00, 0x00, 0x02,
                0x00, 0x00, 0x00, 0x03,
                0x00, 0x00, 0x00, 0x04,
                0xbe, 0xde, 0x00, 0x01,  // 0xBEDE, 1 word
                0x51, 0x01, 0x02, 0x00,  // id 5, L=1 (2 bytes): 0x0102, one padding byte
                0xaa, 0xbb, 0xcc);
        assertThat(packet.payloadLength()).isEqualTo(3);
        assertThat(packet.transportWideSequenceNumber(5)).isEqualTo(0x0102);
    }

    @Test
    void rfc8285_section4_2_trailingPaddingIsUsedBeforeTheBlockGrows() {
        ByteBuf buf = wrapped(64,
                0x90, 0x60, 0x00, 0x01,
                0x00, 0x00, 0x00, 0x02,
                0x00, 0x00, 0x00, 0x03,
                0xbe, 0xde, 0x00, 0x01,
                0x10, 0x7f, 0x00, 0x00,  // id 1 (1 byte), two padding bytes
                0xaa);

        inserter.insert(packet, 5, 2, SRTP_ROOM);
        packet.setTransportWideSequenceNumber(5, 7);

        // The element needs 3 bytes, 2 are free: the block grows by one word.
        assertBytes(buf,
                0x90, 0x60, 0x00, 0x01,
                0x00, 0x00, 0x00, 0x02,
                0x00, 0x00, 0x00, 0x03,
                0xbe, 0xde, 0x00, 0x02,
                0x10, 0x7f, 0x51, 0x00,  // id 1; id 5, L=1
                0x07, 0x00, 0x00, 0x00,  // its value, padding
                0xaa);
        assertThat(packet.extensionLength(1)).isEqualTo(1);
    }

    @Test
    void rfc8285_section4_2_enoughPaddingMeansNoGrowth() {
        ByteBuf buf = wrapped(64,
                0x90, 0x60, 0x00, 0x01,
                0x00, 0x00, 0x00, 0x02,
                0x00, 0x00, 0x00, 0x03,
                0xbe, 0xde, 0x00, 0x01,
                0x00, 0x00, 0x00, 0x00,  // an element removed by a remap: all padding
                0xaa, 0xbb);

        inserter.insert(packet, 3, 2, SRTP_ROOM);
        packet.setTransportWideSequenceNumber(3, 0xffff);

        assertBytes(buf,
                0x90, 0x60, 0x00, 0x01,
                0x00, 0x00, 0x00, 0x02,
                0x00, 0x00, 0x00, 0x03,
                0xbe, 0xde, 0x00, 0x01,
                0x31, 0xff, 0xff, 0x00,
                0xaa, 0xbb);
    }

    @Test
    void rfc8285_section4_3_twoByteBlockTakesATwoByteElement() {
        ByteBuf buf = wrapped(64,
                0xb0, 0x60, 0x00, 0x01,  // P=1
                0x00, 0x00, 0x00, 0x02,
                0x00, 0x00, 0x00, 0x03,
                0x10, 0x00, 0x00, 0x01,  // two-byte form, 1 word
                0x01, 0x01, 0x7f, 0x00,  // id 1, length 1, padding
                0xaa, 0x00, 0x02);       // payload, 2 bytes of RTP padding

        inserter.insert(packet, 20, 2, SRTP_ROOM);
        packet.setTransportWideSequenceNumber(20, 0x1234);

        assertBytes(buf,
                0xb0, 0x60, 0x00, 0x01,
                0x00, 0x00, 0x00, 0x02,
                0x00, 0x00, 0x00, 0x03,
                0x10, 0x00, 0x00, 0x02,
                0x01, 0x01, 0x7f, 0x14,  // id 1; id 20
                0x02, 0x12, 0x34, 0x00,  // length 2, 0x1234, padding
                0xaa, 0x00, 0x02);
        assertThat(packet.payloadLength()).isEqualTo(1);
        assertThat(packet.paddingLength()).isEqualTo(2);
    }

    @Test
    void rfc8285_section4_3_anIdBeyond14TurnsAOneByteBlockIntoTheTwoByteForm() {
        ByteBuf buf = wrapped(64,
                0x90, 0x60, 0x00, 0x01,
                0x00, 0x00, 0x00, 0x02,
                0x00, 0x00, 0x00, 0x03,
                0xbe, 0xde, 0x00, 0x02,
                0x10, 0x7f, 0x00, 0x22,  // id 1 (1 byte), padding, id 2 (3 bytes)
                0x01, 0x02, 0x03, 0x00,
                0xaa);

        inserter.insert(packet, 15, 2, SRTP_ROOM);
        packet.setTransportWideSequenceNumber(15, 9);

        assertBytes(buf,
                0x90, 0x60, 0x00, 0x01,
                0x00, 0x00, 0x00, 0x02,
                0x00, 0x00, 0x00, 0x03,
                0x10, 0x00, 0x00, 0x03,
                0x01, 0x01, 0x7f, 0x02,  // id 1 (1 byte); id 2
                0x03, 0x01, 0x02, 0x03,  // (3 bytes)
                0x0f, 0x02, 0x00, 0x09,  // id 15 (2 bytes)
                0xaa);
        assertThat(packet.extensionLength(2)).isEqualTo(3);
    }

    @Test
    void withoutRoomForGrowthAndSrtpThePacketIsLeftAsItIs() {
        int[] bytes = {
            0x80, 0x60, 0x00, 0x01,
            0x00, 0x00, 0x00, 0x02,
            0x00, 0x00, 0x00, 0x03,
            0xaa, 0xbb,
        };
        ByteBuf buf = wrapped(bytes.length + 8 + SRTP_ROOM - 1, bytes);

        assertThat(inserter.insert(packet, 5, 2, SRTP_ROOM)).isEqualTo(-1);

        assertBytes(buf, bytes);
        assertThat(packet.hasHeaderExtension()).isFalse();
    }

    @Test
    void rfc3550_section5_3_1_aNonRfc8285ExtensionIsLeftAlone() {
        int[] bytes = {
            0x90, 0x60, 0x00, 0x01,
            0x00, 0x00, 0x00, 0x02,
            0x00, 0x00, 0x00, 0x03,
            0x12, 0x34, 0x00, 0x01,  // an application's own profile
            0x01, 0x02, 0x03, 0x04,
            0xaa,
        };
        ByteBuf buf = wrapped(64, bytes);

        assertThat(inserter.insert(packet, 5, 2, SRTP_ROOM)).isEqualTo(-1);

        assertBytes(buf, bytes);
    }

    @Test
    void aLargePayloadMovesIntact() {
        ByteBuf buf = buffers.bounded(1300);
        buf.writeBytes(TestBuffers.bytes(0x80, 0x60, 0x00, 0x01, 0, 0, 0, 2, 0, 0, 0, 3));
        for (int i = 0; i < 1203; i++) {
            buf.writeByte(i * 7);
        }
        assertThat(packet.wrap(buf)).isTrue();

        inserter.insert(packet, 5, 2, SRTP_ROOM);

        assertThat(packet.payloadLength()).isEqualTo(1203);
        for (int i = 0; i < 1203; i++) {
            assertThat(buf.getByte(packet.payloadOffset() + i)).isEqualTo((byte) (i * 7));
        }
    }
}
