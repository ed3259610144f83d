package io.sluice.worker.ice;

import io.netty.buffer.ByteBuf;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;

/**
 * CRC-32 and HMAC-SHA1 over ranges of a ByteBuf without allocating per call: heap buffers are
 * hashed in place, direct ones are first copied into a scratch array that grows to the largest
 * message seen (STUN messages are small). One instance per event loop user; not thread-safe.
 */
final class StunDigests {

    private static final int HMAC_SHA1_LENGTH = 20;

    private final CRC32 crc = new CRC32();
    private final byte[] hmac = new byte[HMAC_SHA1_LENGTH];
    private byte[] scratch = new byte[256];

    int crc32(ByteBuf buf, int index, int length) {
        crc.reset();
        if (buf.hasArray()) {
            crc.update(buf.array(), buf.arrayOffset() + index, length);
        } else {
            byte[] copy = copy(buf, index, length);
            crc.update(copy, 0, length);
        }
        return (int) crc.getValue();
    }

    /**
     * RFC 8489 §14.5: HMAC of [start, integrityIndex) with the header length rewritten so the
     * message seems to end right after MESSAGE-INTEGRITY; compared in constant time with the 20
     * bytes at {@code expectedIndex}.
     */
    boolean hmacMatches(Mac mac, ByteBuf buf, int start, int integrityIndex, int expectedIndex) {
        computeHmac(mac, buf, start, integrityIndex);
        int difference = 0;
        for (int i = 0; i < HMAC_SHA1_LENGTH; i++) {
            difference |= hmac[i] ^ buf.getByte(expectedIndex + i);
        }
        return difference == 0;
    }

    /** Writes the MESSAGE-INTEGRITY value for [start, integrityIndex) at {@code destinationIndex}. */
    void writeHmac(Mac mac, ByteBuf buf, int start, int integrityIndex, int destinationIndex) {
        computeHmac(mac, buf, start, integrityIndex);
        buf.setBytes(destinationIndex, hmac, 0, HMAC_SHA1_LENGTH);
    }

    private void computeHmac(Mac mac, ByteBuf buf, int start, int integrityIndex) {
        int lengthUpToIntegrity = integrityIndex - start - StunMessage.HEADER_LENGTH + 4 + HMAC_SHA1_LENGTH;
        mac.reset();
        mac.update(buf.getByte(start));
        mac.update(buf.getByte(start + 1));
        mac.update((byte) (lengthUpToIntegrity >>> 8));
        mac.update((byte) lengthUpToIntegrity);
        int restIndex = start + 4;
        int restLength = integrityIndex - restIndex;
        if (buf.hasArray()) {
            mac.update(buf.array(), buf.arrayOffset() + restIndex, restLength);
        } else {
            mac.update(copy(buf, restIndex, restLength), 0, restLength);
        }
        try {
            mac.doFinal(hmac, 0);
        } catch (ShortBufferException e) {
            throw new IllegalStateException("HMAC-SHA1 output is 20 bytes", e);
        }
    }

    private byte[] copy(ByteBuf buf, int index, int length) {
        if (scratch.length < length) {
            scratch = new byte[Math.max(length, scratch.length * 2)];
        }
        buf.getBytes(index, scratch, 0, length);
        return scratch;
    }
}
