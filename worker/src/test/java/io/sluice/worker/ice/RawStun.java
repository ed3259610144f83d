package io.sluice.worker.ice;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * Builds STUN bytes attribute by attribute with whatever lengths a test wants, including wrong
 * ones; the header length is set to the bytes written unless overridden.
 */
final class RawStun {

    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final int type;

    private RawStun(int type) {
        this.type = type;
    }

    static RawStun bindingRequest() {
        return new RawStun(0x0001);
    }

    static RawStun ofType(int type) {
        return new RawStun(type);
    }

    /** An attribute whose length field is the value's length, padded with zeros to 4 bytes. */
    RawStun attribute(int attributeType, byte... value) {
        return attribute(attributeType, value.length, value);
    }

    /** An attribute whose length field says {@code declaredLength}, followed by {@code value} padded to 4. */
    RawStun attribute(int attributeType, int declaredLength, byte... value) {
        body.write(attributeType >> 8);
        body.write(attributeType);
        body.write(declaredLength >> 8);
        body.write(declaredLength);
        body.writeBytes(value);
        for (int i = value.length; (i & 3) != 0; i++) {
            body.write(0);
        }
        return this;
    }

    byte[] build() {
        return build(body.size());
    }

    byte[] build(int headerLength) {
        ByteBuffer message = ByteBuffer.allocate(StunMessage.HEADER_LENGTH + body.size());
        message.putShort((short) type).putShort((short) headerLength).putInt(StunMessage.MAGIC_COOKIE);
        message.put(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
        message.put(body.toByteArray());
        return message.array();
    }
}
