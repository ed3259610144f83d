package io.sluice.worker.ice;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.Function;
import java.util.stream.Stream;
import javax.crypto.Mac;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RFC 5769 §2 vectors: parse, check MESSAGE-INTEGRITY and FINGERPRINT, and write the same messages
 * again byte for byte. Each runs over a heap and a direct buffer (the digests take two paths).
 */
class StunMessageRfc5769Test {

    private static final byte[] TRANSACTION_ID = ByteBufUtil.decodeHexDump("b7e7a701bc34d686fa87dfae");

    static Stream<Arguments> bufferKinds() {
        Function<byte[], ByteBuf> heap = bytes -> PooledByteBufAllocator.DEFAULT.heapBuffer().writeBytes(bytes);
        Function<byte[], ByteBuf> direct = bytes -> PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(bytes);
        return Stream.of(Arguments.of("heap", heap), Arguments.of("direct", direct));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bufferKinds")
    void rfc5769_section2_1_sampleRequest(String kind, Function<byte[], ByteBuf> buffers) {
        ByteBuf packet = buffers.apply(Rfc5769Vectors.SAMPLE_REQUEST);
        try {
            StunMessage message = StunMessage.parse(packet);

            assertThat(message).isNotNull();
            assertThat(message.isBindingRequest()).isTrue();
            assertThat(message.length()).isEqualTo(108);
            assertThat(ByteBufUtil.getBytes(packet, message.transactionIdIndex(), 12)).isEqualTo(TRANSACTION_ID);
            assertThat(message.software()).isEqualTo("STUN test client");
            assertThat(message.priority()).isEqualTo(0x6e0001ffL);
            assertThat(message.hasIceControlled()).isTrue();
            assertThat(message.iceControlled()).isEqualTo(0x932ff9b151263b36L);
            assertThat(message.hasIceControlling()).isFalse();
            assertThat(message.hasUseCandidate()).isFalse();
            assertThat(message.username()).isEqualTo("evtj:h6vY");
            assertThat(message.usernameStartsWithFragment(ascii("evtj"))).isTrue();
            assertThat(message.usernameStartsWithFragment(ascii("evt"))).isFalse();
            assertThat(message.usernameStartsWithFragment(ascii("evtj:h6vY"))).isFalse();
            assertThat(message.isFingerprintValid()).isTrue();
            assertThat(message.isMessageIntegrityValid(StunMessage.newShortTermMac(Rfc5769Vectors.PASSWORD))).isTrue();
            assertThat(message.isMessageIntegrityValid(StunMessage.newShortTermMac("VOkJxbRl1RmTxUk/WvJxBT"))).isFalse();
        } finally {
            assertThat(packet.release()).isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bufferKinds")
    void rfc5769_section2_1_sampleRequestWrittenAgain(String kind, Function<byte[], ByteBuf> buffers) {
        ByteBuf transactionId = buffers.apply(TRANSACTION_ID);
        ByteBuf out = buffers.apply(new byte[0]);
        try {
            Mac mac = StunMessage.newShortTermMac(Rfc5769Vectors.PASSWORD);
            StunMessageWriter writer = new StunMessageWriter()
                    .begin(out, StunMessage.CLASS_REQUEST, StunMessage.METHOD_BINDING, transactionId, 0)
                    .addSoftware(ascii("STUN test client"))
                    .addPriority(0x6e0001ffL)
                    .addIceControlled(0x932ff9b151263b36L)
                    .addUsername(ascii("evtj:h6vY"));
            // RFC 8489 §14: padding is the sender's choice; the vector pads with spaces, we with zeros.
            out.setBytes(out.writerIndex() - 3, ascii("   "));
            writer.addMessageIntegrity(mac).addFingerprint();

            assertThat(ByteBufUtil.getBytes(out)).isEqualTo(Rfc5769Vectors.SAMPLE_REQUEST);
        } finally {
            transactionId.release();
            out.release();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bufferKinds")
    void rfc5769_section2_2_sampleIpv4Response(String kind, Function<byte[], ByteBuf> buffers) throws Exception {
        InetSocketAddress mapped = new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 32853);
        assertResponseVector(buffers, Rfc5769Vectors.SAMPLE_IPV4_RESPONSE, mapped);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bufferKinds")
    void rfc5769_section2_3_sampleIpv6Response(String kind, Function<byte[], ByteBuf> buffers) throws Exception {
        InetSocketAddress mapped =
                new InetSocketAddress(InetAddress.getByName("2001:db8:1234:5678:11:2233:4455:6677"), 32853);
        assertResponseVector(buffers, Rfc5769Vectors.SAMPLE_IPV6_RESPONSE, mapped);
    }

    private static void assertResponseVector(Function<byte[], ByteBuf> buffers, byte[] vector, InetSocketAddress mapped) {
        Mac mac = StunMessage.newShortTermMac(Rfc5769Vectors.PASSWORD);
        ByteBuf packet = buffers.apply(vector);
        ByteBuf out = buffers.apply(new byte[0]);
        try {
            StunMessage response = StunMessage.parse(packet);
            assertThat(response).isNotNull();
            assertThat(response.messageClass()).isEqualTo(StunMessage.CLASS_SUCCESS_RESPONSE);
            assertThat(response.method()).isEqualTo(StunMessage.METHOD_BINDING);
            assertThat(response.software()).isEqualTo("test vector");
            assertThat(response.xorMappedAddress()).isEqualTo(mapped);
            assertThat(response.xorMappedPort()).isEqualTo(32853);
            assertThat(response.isMessageIntegrityValid(mac)).isTrue();
            assertThat(response.isFingerprintValid()).isTrue();

            StunMessageWriter writer = new StunMessageWriter()
                    .begin(out, StunMessage.CLASS_SUCCESS_RESPONSE, StunMessage.METHOD_BINDING, packet,
                            response.transactionIdIndex())
                    .addSoftware(ascii("test vector"));
            out.setByte(out.writerIndex() - 1, ' '); // the vector's padding byte, as in §2.1
            writer.addXorMappedAddress(mapped).addMessageIntegrity(mac).addFingerprint();

            assertThat(ByteBufUtil.hexDump(out)).isEqualTo(ByteBufUtil.hexDump(vector));
        } finally {
            packet.release();
            out.release();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bufferKinds")
    void rfc5769_section2_4_sampleRequestWithLongTermAuthentication(String kind, Function<byte[], ByteBuf> buffers)
            throws Exception {
        ByteBuf packet = buffers.apply(Rfc5769Vectors.SAMPLE_REQUEST_LONG_TERM);
        try {
            StunMessage message = StunMessage.parse(packet);

            assertThat(message).isNotNull();
            assertThat(message.isBindingRequest()).isTrue();
            assertThat(message.username()).isEqualTo("\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9");
            assertThat(message.hasFingerprint()).isFalse();
            assertThat(message.isFingerprintValid()).isFalse();
            int nonce = StunMessage.findAttributeValue(packet, StunMessage.ATTR_NONCE);
            assertThat(packet.toString(nonce, 28, StandardCharsets.US_ASCII)).isEqualTo("f//499k954d6OL34oL9FSTvy64sA");
            int realm = StunMessage.findAttributeValue(packet, StunMessage.ATTR_REALM);
            assertThat(packet.toString(realm, 11, StandardCharsets.US_ASCII)).isEqualTo("example.org");

            // RFC 8489 §9.2.2 (RFC 5389 §15.4): key = MD5(username ":" realm ":" SASLprep(password)).
            byte[] key = MessageDigest.getInstance("MD5")
                    .digest((message.username() + ":example.org:TheMatrIX").getBytes(StandardCharsets.UTF_8));
            assertThat(message.isMessageIntegrityValid(StunMessage.newHmacSha1(key))).isTrue();
            assertThat(message.isMessageIntegrityValid(StunMessage.newShortTermMac("TheMatrIX"))).isFalse();
        } finally {
            packet.release();
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
