package io.sluice.worker.ice;

import io.netty.buffer.ByteBuf;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;

/**
 * CRC-32 and HMAC-SHA1 over ranges of a ByteBuf, allocating as little as the JDK lets us: heap
 * buffers are hashed in their array; others are first copied, 8 bytes per absolute getLong, into a
 * scratch array that grows to the largest message seen (STUN messages are small). Netty's own
 * bulk getBytes and internalNioBuffer would each allocate a ByteBuffer duplicate per fresh pooled
 * buffer when Unsafe is unavailable, as on recent JDKs. The one allocation left is the 20-byte array
 * {@link Mac#doFinal(byte[], int)} makes internally. One instance per event loop user; not
 * thread-safe.
 */
final class StunDigests {

    private static final int HMAC_SHA1_LENGTH = 20;
    private static final VarHandle LONG_BIG_ENDIAN = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final CRC32 crc = new CRC32();
    private final byte[] hmac = new byte[HMAC_SHA1_LENGTH];
    private byte[] scratch = new byte[256];

    int crc32(ByteBuf buf, int index, int length) {
        crc.reset();
        if (buf.hasArray()) {
            crc.update(buf.array(), buf.arrayOffset() + index, length);
        } else {
            crc.update(copy(buf, index, length), 0, length);
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
        int i = 0;
        for (; i + Long.BYTES <= length; i += Long.BYTES) {
            LONG_BIG_ENDIAN.set(scratch, i, buf.getLong(index + i));
        }
        for (; i < length; i++) {
            scratch[i] = buf.getByte(index + i);
        }
        return scratch;
    }
}
