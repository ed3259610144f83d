package io.sluice.worker.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.sluice.worker.net.PacketClassifier.Kind;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PacketClassifierTest {

    /** RFC 7983 §7's ranges, edges included; RFC 5761 §4 for the second byte; too-short headers. */
    static Stream<Arguments> packets() {
        return Stream.of(
                Arguments.of("STUN first byte 0", 0, 0x01, 20, Kind.STUN),
                Arguments.of("STUN first byte 3", 3, 0x00, 20, Kind.STUN),
                Arguments.of("STUN shorter than its header", 0, 0x01, 19, Kind.UNKNOWN),
                Arguments.of("ZRTP 16..19", 16, 0, 100, Kind.UNKNOWN),
                Arguments.of("4..15 unassigned", 4, 0, 100, Kind.UNKNOWN),
                Arguments.of("DTLS first byte 20", 20, 0xFE, 13, Kind.DTLS),
                Arguments.of("DTLS handshake 22", 22, 0xFE, 100, Kind.DTLS),
                Arguments.of("DTLS first byte 63", 63, 0, 13, Kind.DTLS),
                Arguments.of("DTLS shorter than a record header", 22, 0xFE, 12, Kind.UNKNOWN),
                Arguments.of("TURN channel 64..79", 64, 0, 100, Kind.UNKNOWN),
                Arguments.of("127 unassigned", 127, 0, 100, Kind.UNKNOWN),
                Arguments.of("RTP payload type 96", 0x80, 96, 12, Kind.RTP),
                Arguments.of("RTP with marker, payload type 111", 0x80, 0x80 | 111, 12, Kind.RTP),
                Arguments.of("RTP marker and payload type 63 (second byte 191)", 0x80, 191, 12, Kind.RTP),
                Arguments.of("RTP payload type 96 + marker is 224, not RTCP", 0x80, 224, 12, Kind.RTP),
                Arguments.of("RTP first byte 191", 191, 96, 12, Kind.RTP),
                Arguments.of("RTP shorter than its fixed header", 0x80, 96, 11, Kind.UNKNOWN),
                Arguments.of("RTCP SR 200", 0x80, 200, 28, Kind.RTCP),
                Arguments.of("RTCP first type 192", 0x81, 192, 8, Kind.RTCP),
                Arguments.of("RTCP last type 223", 0x8F, 223, 8, Kind.RTCP),
                Arguments.of("RTCP shorter than header + SSRC", 0x80, 200, 7, Kind.UNKNOWN),
                Arguments.of("first byte 192 is not RTP", 192, 96, 100, Kind.UNKNOWN),
                Arguments.of("first byte 255", 255, 200, 100, Kind.UNKNOWN),
                Arguments.of("empty", -1, 0, 0, Kind.UNKNOWN));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("packets")
    void classifies(String name, int firstByte, int secondByte, int length, Kind expected) {
        ByteBuf packet = PooledByteBufAllocator.DEFAULT.directBuffer(length + 3);
        packet.writeZero(3).readerIndex(3); // the classifier reads from the reader index
        if (length > 0) {
            packet.writeByte(firstByte);
        }
        if (length > 1) {
            packet.writeByte(secondByte);
        }
        packet.writeZero(Math.max(0, length - 2));
        try {
            assertThat(PacketClassifier.classify(packet)).isEqualTo(expected);
            assertThat(PacketClassifier.isStun(packet)).isEqualTo(expected == Kind.STUN);
            assertThat(PacketClassifier.isDtls(packet)).isEqualTo(expected == Kind.DTLS);
            assertThat(PacketClassifier.isRtp(packet)).isEqualTo(expected == Kind.RTP);
            assertThat(PacketClassifier.isRtcp(packet)).isEqualTo(expected == Kind.RTCP);
            assertThat(packet.readerIndex()).isEqualTo(3);
        } finally {
            assertThat(packet.release()).isTrue();
        }
    }

    @Test
    void everyFirstByteFallsInAtMostOneClass() {
        for (int first = 0; first < 256; first++) {
            for (int second : new int[] {0, 96, 191, 192, 200, 223, 224, 255}) {
                ByteBuf packet = PooledByteBufAllocator.DEFAULT.heapBuffer(32).writeByte(first).writeByte(second).writeZero(30);
                int matches = (PacketClassifier.isStun(packet) ? 1 : 0) + (PacketClassifier.isDtls(packet) ? 1 : 0)
                        + (PacketClassifier.isRtp(packet) ? 1 : 0) + (PacketClassifier.isRtcp(packet) ? 1 : 0);
                assertThat(matches).as("first %d second %d", first, second).isLessThanOrEqualTo(1);
                packet.release();
            }
        }
    }
}
