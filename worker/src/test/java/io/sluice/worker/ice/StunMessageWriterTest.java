package io.sluice.worker.ice;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import javax.crypto.Mac;
import org.junit.jupiter.api.Test;

/** What the writer writes, the parser reads back; each attribute as its RFC section lays it out. */
class StunMessageWriterTest {

    private final StunMessageWriter writer = new StunMessageWriter();

    @Test
    void rfc8445_section7_2_2_aCheckRoundTrips() {
        ByteBuf transactionId = PooledByteBufAllocator.DEFAULT.buffer().writeBytes(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
        ByteBuf out = PooledByteBufAllocator.DEFAULT.directBuffer();
        out.writeShort(0xABCD); // room a caller kept in front (e.g. an RFC 4571 length): not part of the message
        out.readerIndex(2);
        Mac mac = StunMessage.newShortTermMac("a password of twenty-two+");
        writer.begin(out, StunMessage.CLASS_REQUEST, StunMessage.METHOD_BINDING, transactionId, 0)
                .addUsername("abcd:efg".getBytes(StandardCharsets.US_ASCII))
                .addPriority(0xFFFFFFFFL)
                .addIceControlling(-2L)
                .addUseCandidate()
                .addNomination(0xFFFFFFFEL)
                .addMessageIntegrity(mac)
                .addFingerprint();

        assertThat(writer.startIndex()).isEqualTo(2);
        assertThat(out.readableBytes() % 4).isZero();
        StunMessage message = StunMessage.parse(out);
        assertThat(message).isNotNull();
        assertThat(message.isBindingRequest()).isTrue();
        assertThat(message.username()).isEqualTo("abcd:efg");
        assertThat(message.usernameLength()).isEqualTo(8);
        assertThat(message.priority()).isEqualTo(0xFFFFFFFFL);
        assertThat(message.iceControlling()).isEqualTo(-2L);
        assertThat(message.hasUseCandidate()).isTrue();
        assertThat(message.nomination()).isEqualTo(0xFFFFFFFEL);
        assertThat(message.isMessageIntegrityValid(mac)).isTrue();
        assertThat(message.isFingerprintValid()).isTrue();
        assertThat(out.getByte(message.transactionIdIndex() + 11)).isEqualTo((byte) 12);
        transactionId.release();
        assertThat(out.release()).isTrue();
    }

    @Test
    void rfc8489_section14_8_errorResponsesCarryClassNumberAndReason() {
        for (StunErrorCode error : StunErrorCode.values()) {
            ByteBuf transactionId = PooledByteBufAllocator.DEFAULT.buffer().writeZero(12);
            ByteBuf out = PooledByteBufAllocator.DEFAULT.heapBuffer();
            writer.begin(out, StunMessage.CLASS_ERROR_RESPONSE, StunMessage.METHOD_BINDING, transactionId, 0)
                    .addErrorCode(error)
                    .addFingerprint();
            StunMessage message = StunMessage.parse(out);
            assertThat(message).isNotNull();
            assertThat(message.messageClass()).isEqualTo(StunMessage.CLASS_ERROR_RESPONSE);
            // RFC 8489 §5: an error response to Binding is type 0x0111.
            assertThat(out.getUnsignedShort(0)).isEqualTo(0x0111);
            assertThat(message.errorCode()).isEqualTo(error.code());
            int value = StunMessage.findAttributeValue(out, StunMessage.ATTR_ERROR_CODE);
            int length = out.getUnsignedShort(value - 2);
            assertThat(out.toString(value + 4, length - 4, StandardCharsets.UTF_8))
                    .isEqualTo(new String(error.reasonPhrase(), StandardCharsets.UTF_8));
            assertThat(message.isFingerprintValid()).isTrue();
            transactionId.release();
            assertThat(out.release()).isTrue();
        }
    }

    @Test
    void rfc8489_section14_2_xorMappedAddressRoundTripsForBothFamilies() throws Exception {
        for (String host : new String[] {"127.0.0.1", "255.255.255.255", "::1", "fe80::1:2:3:4"}) {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(host), 65535);
            ByteBuf transactionId = PooledByteBufAllocator.DEFAULT.buffer().writeBytes(new byte[] {
                    -1, -2, -3, -4, -5, -6, -7, -8, -9, -10, -11, -12});
            ByteBuf out = PooledByteBufAllocator.DEFAULT.directBuffer();
            writer.begin(out, StunMessage.CLASS_SUCCESS_RESPONSE, StunMessage.METHOD_BINDING, transactionId, 0)
                    .addXorMappedAddress(address);
            StunMessage message = StunMessage.parse(out);
            assertThat(message).isNotNull();
            assertThat(message.xorMappedAddress()).isEqualTo(address);
            assertThat(message.xorMappedPort()).isEqualTo(65535);
            transactionId.release();
            assertThat(out.release()).isTrue();
        }
    }
}
