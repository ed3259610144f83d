package io.sluice.worker.srtp;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES in counter mode built from a reused JCE {@code AES/ECB/NoPadding} cipher: the counter blocks
 * are written into a scratch array and encrypted in one call (the JDK's AES intrinsics apply), so a
 * packet costs no allocation and no cipher re-initialisation. The counter occupies the low 32 bits
 * of the 128-bit block, which covers both SRTP's AES-CM (RFC 3711 §4.1.1: a 16-bit block counter
 * added to an IV whose low 16 bits are zero) and GCM's inc32 (NIST SP 800-38D §6.2).
 * Not thread-safe: one instance per context, used by the loop that owns the context.
 */
final class AesCounterMode {
    static final int BLOCK = 16;
    private static final int INITIAL_SCRATCH = 2048;
    private static final VarHandle BIG_ENDIAN_LONG =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle NATIVE_LONG =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private final Cipher ecb;
    private byte[] counterBlocks = new byte[INITIAL_SCRATCH];
    private byte[] keystream = new byte[INITIAL_SCRATCH];

    AesCounterMode(byte[] key) {
        try {
            ecb = Cipher.getInstance("AES/ECB/NoPadding");
            ecb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/ECB/NoPadding is part of every JDK", e);
        }
    }

    /** One AES block: {@code out = E(K, in)}. Used at set-up (GCM's H, the KDF), not per packet. */
    void encryptBlock(byte[] in, byte[] out) {
        try {
            ecb.doFinal(in, 0, BLOCK, out, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Fills {@link #keystream()} with {@code blocks} blocks E(K, ctr + j), j = 0..blocks-1, where
     * ctr is the 128-bit block (ivHigh, ivLow) big-endian and j is added modulo 2^32 to its low word.
     */
    byte[] generate(long ivHigh, long ivLow, int blocks) {
        int bytes = blocks * BLOCK;
        if (bytes > counterBlocks.length) {
            int size = Integer.highestOneBit(bytes - 1) << 1;
            counterBlocks = new byte[size];
            keystream = new byte[size];
        }
        long fixedLow = ivLow & 0xFFFF_FFFF_0000_0000L;
        int counter = (int) ivLow;
        byte[] blocksOut = counterBlocks;
        for (int j = 0, at = 0; j < blocks; j++, at += BLOCK) {
            BIG_ENDIAN_LONG.set(blocksOut, at, ivHigh);
            BIG_ENDIAN_LONG.set(blocksOut, at + 8, fixedLow | ((counter + j) & 0xFFFF_FFFFL));
        }
        try {
            ecb.update(blocksOut, 0, bytes, keystream, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        return keystream;
    }

    byte[] keystream() {
        return keystream;
    }

    /** {@code data[off, off+len) ^= keystream[from, from+len)}. */
    void xorKeystream(int from, byte[] data, int off, int len) {
        byte[] ks = keystream;
        int i = 0;
        for (; i + 8 <= len; i += 8) {
            long d = (long) NATIVE_LONG.get(data, off + i);
            long k = (long) NATIVE_LONG.get(ks, from + i);
            NATIVE_LONG.set(data, off + i, d ^ k);
        }
        for (; i < len; i++) {
            data[off + i] ^= ks[from + i];
        }
    }

    static int blocksFor(int bytes) {
        return (bytes + BLOCK - 1) / BLOCK;
    }

    static long readLong(byte[] a, int at) {
        return (long) BIG_ENDIAN_LONG.get(a, at);
    }

    static void writeLong(byte[] a, int at, long value) {
        BIG_ENDIAN_LONG.set(a, at, value);
    }
}
