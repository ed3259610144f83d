package io.sluice.worker.ice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import javax.crypto.Mac;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Malformed STUN, table-driven: parse returns null (never throws), or the checks fail. */
class StunMessageMalformedTest {

    private static final byte[] SAMPLE = Rfc5769Vectors.SAMPLE_REQUEST;

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("empty", new byte[0]),
                Arguments.of("§5 truncated header, 19 bytes", Arrays.copyOf(SAMPLE, 19)),
                Arguments.of("§5 first bit set", with(SAMPLE, 0, 0x80)),
                Arguments.of("§5 second bit set", with(SAMPLE, 0, 0x40)),
                Arguments.of("§5 bad magic cookie", with(SAMPLE, 4, 0x22)),
                Arguments.of("§5 length not a multiple of 4", withLength(Arrays.copyOf(SAMPLE, 110), 0x5A)),
                Arguments.of("§5 length beyond the datagram", withLength(SAMPLE, 0x5C)),
                Arguments.of("§5 length short of the datagram", withLength(SAMPLE, 0x54)),
                Arguments.of("§5 body truncated", Arrays.copyOf(SAMPLE, 100)),
                Arguments.of("§14 attribute overruns the message", with(SAMPLE, 22, 0x01)),
                Arguments.of("§14 padding overruns the message",
                        RawStun.bindingRequest().attribute(0x8099, 5, (byte) 1, (byte) 2, (byte) 3).build(8)),
                Arguments.of("§14.3 USERNAME over 513 bytes",
                        RawStun.bindingRequest().attribute(StunMessage.ATTR_USERNAME, new byte[514]).build()),
                Arguments.of("RFC 8445 §16.1 PRIORITY of 8 bytes",
                        RawStun.bindingRequest().attribute(StunMessage.ATTR_PRIORITY, new byte[8]).build()),
                Arguments.of("RFC 8445 §16.1 ICE-CONTROLLING of 4 bytes",
                        RawStun.bindingRequest().attribute(StunMessage.ATTR_ICE_CONTROLLING, new byte[4]).build()),
                Arguments.of("RFC 8445 §16.1 ICE-CONTROLLED of 4 bytes",
                        RawStun.bindingRequest().attribute(StunMessage.ATTR_ICE_CONTROLLED, new byte[4]).build()),
                Arguments.of("RFC 8445 §16.1 USE-CANDIDATE with a value",
                        RawStun.bindingRequest().attribute(StunMessage.ATTR_USE_CANDIDATE, new byte[4]).build()),
                Arguments.of("NOMINATION of 2 bytes",
                        RawStun.bindingRequest().attribute(StunMessage.ATTR_NOMINATION, new byte[2]).build()),
                Arguments.of("§14.5 MESSAGE-INTEGRITY of 16 bytes",
                        RawStun.bindingRequest().attribute(StunMessage.ATTR_MESSAGE_INTEGRITY, new byte[16]).build()),
                Arguments.of("§14.7 FINGERPRINT of 8 bytes",
                        RawStun.bindingRequest().attribute(StunMessage.ATTR_FINGERPRINT, new byte[8]).build()),
                Arguments.of("§14.7 attribute after FINGERPRINT",
                        RawStun.bindingRequest().attribute(StunMessage.ATTR_FINGERPRINT, new byte[4])
                                .attribute(StunMessage.ATTR_PRIORITY, new byte[4]).build()),
                Arguments.of("§14.2 XOR-MAPPED-ADDRESS family 3",
                        RawStun.bindingRequest().attribute(StunMessage.ATTR_XOR_MAPPED_ADDRESS, bytes(0, 3, 0, 0, 1, 2, 3, 4)).build()),
                Arguments.of("§14.2 XOR-MAPPED-ADDRESS IPv4 with 20 bytes",
                        RawStun.bindingRequest().attribute(StunMessage.ATTR_XOR_MAPPED_ADDRESS, Arrays.copyOf(bytes(0, 1, 0, 0), 20)).build()),
                Arguments.of("§14.2 XOR-MAPPED-ADDRESS shorter than 4 bytes",
                        RawStun.bindingRequest().attribute(StunMessage.ATTR_XOR_MAPPED_ADDRESS, bytes(0, 1)).build()),
                Arguments.of("§14.8 ERROR-CODE class 7",
                        RawStun.ofType(0x0111).attribute(StunMessage.ATTR_ERROR_CODE, bytes(0, 0, 7, 0)).build()),
                Arguments.of("§14.8 ERROR-CODE number 100",
                        RawStun.ofType(0x0111).attribute(StunMessage.ATTR_ERROR_CODE, bytes(0, 0, 4, 100)).build()),
                Arguments.of("§14.8 ERROR-CODE of 2 bytes",
                        RawStun.ofType(0x0111).attribute(StunMessage.ATTR_ERROR_CODE, bytes(0, 4)).build()),
                Arguments.of("garbage", "not a STUN message at all!".getBytes(StandardCharsets.US_ASCII)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void parseReturnsNull(String name, byte[] packet) {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(packet.length).writeBytes(packet);
        assertThat(StunMessage.parse(buf)).isNull();
        assertThat(buf.readerIndex()).isZero();
        assertThat(buf.release()).isTrue();
    }

    @Test
    void badFingerprintParsesButFailsTheFingerprintCheck() {
        byte[] packet = with(SAMPLE, SAMPLE.length - 1, SAMPLE[SAMPLE.length - 1] ^ 1);
        assertChecks(packet, true, false);
    }

    @Test
    void tamperedAttributeFailsBothChecks() {
        byte[] packet = with(SAMPLE, 45, 0x02); // a PRIORITY byte, covered by both
        assertChecks(packet, false, false);
    }

    @Test
    void wrongPasswordFailsIntegrityOnly() {
        ByteBuf out = Unpooled.buffer();
        ByteBuf transactionId = Unpooled.wrappedBuffer(new byte[12]);
        new StunMessageWriter().begin(out, StunMessage.CLASS_REQUEST, StunMessage.METHOD_BINDING, transactionId, 0)
                .addUsername("evtj:h6vY".getBytes(StandardCharsets.US_ASCII))
                .addMessageIntegrity(StunMessage.newShortTermMac("another password of 22+"))
                .addFingerprint();
        byte[] packet = new byte[out.readableBytes()];
        out.readBytes(packet).release();
        transactionId.release();
        assertChecks(packet, false, true);
    }

    private static void assertChecks(byte[] packet, boolean integrityValid, boolean fingerprintValid) {
        Mac mac = StunMessage.newShortTermMac(Rfc5769Vectors.PASSWORD);
        ByteBuf buf = Unpooled.wrappedBuffer(packet);
        StunMessage message = StunMessage.parse(buf);
        assertThat(message).isNotNull();
        assertThat(message.isMessageIntegrityValid(mac)).isEqualTo(integrityValid);
        assertThat(message.isFingerprintValid()).isEqualTo(fingerprintValid);
        assertThat(buf.release()).isTrue();
    }

    @Test
    void rfc8489_section14_5_attributesAfterMessageIntegrityAreIgnored() {
        byte[] packet = RawStun.bindingRequest()
                .attribute(StunMessage.ATTR_PRIORITY, bytes(0, 0, 0, 1))
                .attribute(StunMessage.ATTR_MESSAGE_INTEGRITY, new byte[20])
                .attribute(StunMessage.ATTR_USE_CANDIDATE)
                .attribute(StunMessage.ATTR_PRIORITY, bytes(0, 0, 0, 2))
                .build();
        ByteBuf buf = Unpooled.wrappedBuffer(packet);
        StunMessage message = StunMessage.parse(buf);
        assertThat(message).isNotNull();
        assertThat(message.hasUseCandidate()).isFalse();
        assertThat(message.priority()).isEqualTo(1);
        assertThat(buf.release()).isTrue();
    }

    @Test
    void rfc8489_section14_onlyTheFirstOfRepeatedAttributesCounts() {
        byte[] packet = RawStun.bindingRequest()
                .attribute(StunMessage.ATTR_PRIORITY, bytes(0, 0, 0, 7))
                .attribute(StunMessage.ATTR_PRIORITY, bytes(0, 0, 0, 9))
                .attribute(0x7777, bytes(1, 2, 3)) // unknown, comprehension-required: skipped
                .attribute(StunMessage.ATTR_NOMINATION, bytes(0, 0, 0, 5))
                .build();
        ByteBuf buf = Unpooled.wrappedBuffer(packet);
        StunMessage message = StunMessage.parse(buf);
        assertThat(message).isNotNull();
        assertThat(message.priority()).isEqualTo(7);
        assertThat(message.hasNomination()).isTrue();
        assertThat(message.nomination()).isEqualTo(5);
        assertThat(buf.release()).isTrue();
    }

    @Test
    void everyTruncationOfEveryVectorIsRejected() {
        for (byte[] vector : new byte[][] {Rfc5769Vectors.SAMPLE_REQUEST, Rfc5769Vectors.SAMPLE_IPV4_RESPONSE,
                Rfc5769Vectors.SAMPLE_IPV6_RESPONSE, Rfc5769Vectors.SAMPLE_REQUEST_LONG_TERM}) {
            for (int length = 0; length < vector.length; length++) {
                ByteBuf buf = Unpooled.wrappedBuffer(vector, 0, length);
                assertThat(StunMessage.parse(buf)).as("length %d", length).isNull();
                buf.release();
            }
        }
    }

    /** RFC 8489 §14.7: CRC-32 catches every single-bit error, so no flipped bit gets through. */
    @Test
    void everySingleBitFlipIsRejectedOrFailsTheFingerprint() {
        StunMessage reused = new StunMessage();
        for (int bit = 0; bit < SAMPLE.length * 8; bit++) {
            byte[] packet = with(SAMPLE, bit / 8, SAMPLE[bit / 8] ^ (1 << (bit % 8)));
            ByteBuf buf = Unpooled.wrappedBuffer(packet);
            StunMessage message = reused.wrap(buf);
            if (message != null) {
                assertThat(message.isFingerprintValid()).as("bit %d", bit).isFalse();
            }
            buf.release();
        }
    }

    @Test
    void randomGarbageBehindAValidHeaderNeverThrows() {
        SplittableRandom random = new SplittableRandom(5769);
        StunMessage reused = new StunMessage();
        for (int i = 0; i < 20_000; i++) {
            byte[] packet = new byte[20 + 4 * random.nextInt(40)];
            random.nextBytes(packet);
            packet[0] &= 0x01;
            packet[2] = (byte) ((packet.length - 20) >> 8);
            packet[3] = (byte) (packet.length - 20);
            packet[4] = 0x21;
            packet[5] = 0x12;
            packet[6] = (byte) 0xA4;
            packet[7] = 0x42;
            ByteBuf buf = Unpooled.wrappedBuffer(packet);
            assertThatCode(() -> {
                StunMessage message = reused.wrap(buf);
                if (message != null) {
                    message.isFingerprintValid();
                    message.xorMappedAddress();
                    message.username();
                }
                StunMessage.findAttributeValue(buf, StunMessage.ATTR_USERNAME);
            }).doesNotThrowAnyException();
            buf.release();
        }
    }

    private static byte[] with(byte[] original, int index, int value) {
        byte[] copy = original.clone();
        copy[index] = (byte) value;
        return copy;
    }

    private static byte[] withLength(byte[] original, int length) {
        byte[] copy = original.clone();
        copy[2] = (byte) (length >> 8);
        copy[3] = (byte) length;
        return copy;
    }

    private static byte[] bytes(int... values) {
        byte[] result = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = (byte) values[i];
        }
        return result;
    }
}
