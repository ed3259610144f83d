package io.sluice.worker.srtp;

/**
 * GHASH, the universal hash of GCM (NIST SP 800-38D §6.4), with per-position 4-bit tables:
 * {@code table[p][n] = (n at nibble position p) · H}, so multiplying by H is 32 independent
 * look-ups XORed together, with no reduction step and good instruction-level parallelism.
 * The tables take 8 KiB per key. Elements are held as two big-endian longs (bytes 0-7, 8-15),
 * where the coefficient of x^0 is the most significant bit of byte 0 (SP 800-38D §6.3).
 * Input may arrive in pieces; {@link #padToBlock()} closes a segment (the AAD or the ciphertext)
 * with zeros. Not thread-safe.
 */
final class Ghash {
    private static final int POSITIONS = 32;
    private static final long R = 0xE100_0000_0000_0000L;

    private final long[] tableHigh = new long[POSITIONS * 16];
    private final long[] tableLow = new long[POSITIONS * 16];
    private long stateHigh;
    private long stateLow;
    private final byte[] partial = new byte[AesCounterMode.BLOCK];
    private int partialLength;

    Ghash(byte[] hashSubkey) {
        long vHigh = AesCounterMode.readLong(hashSubkey, 0);
        long vLow = AesCounterMode.readLong(hashSubkey, 8);
        // H · x^k for k = 0..127, then each table entry is the XOR of the powers its nibble selects.
        long[] powHigh = new long[128];
        long[] powLow = new long[128];
        for (int k = 0; k < 128; k++) {
            powHigh[k] = vHigh;
            powLow[k] = vLow;
            boolean carry = (vLow & 1) != 0;
            vLow = (vLow >>> 1) | (vHigh << 63);
            vHigh >>>= 1;
            if (carry) {
                vHigh ^= R;
            }
        }
        for (int p = 0; p < POSITIONS; p++) {
            for (int n = 0; n < 16; n++) {
                long h = 0;
                long l = 0;
                for (int b = 0; b < 4; b++) {
                    if ((n & (8 >>> b)) != 0) {
                        h ^= powHigh[4 * p + b];
                        l ^= powLow[4 * p + b];
                    }
                }
                tableHigh[p * 16 + n] = h;
                tableLow[p * 16 + n] = l;
            }
        }
    }

    void reset() {
        stateHigh = 0;
        stateLow = 0;
        partialLength = 0;
    }

    void update(byte[] data, int off, int len) {
        int end = off + len;
        if (partialLength > 0) {
            while (off < end && partialLength < AesCounterMode.BLOCK) {
                partial[partialLength++] = data[off++];
            }
            if (partialLength < AesCounterMode.BLOCK) {
                return;
            }
            absorb(AesCounterMode.readLong(partial, 0), AesCounterMode.readLong(partial, 8));
            partialLength = 0;
        }
        while (off + AesCounterMode.BLOCK <= end) {
            absorb(AesCounterMode.readLong(data, off), AesCounterMode.readLong(data, off + 8));
            off += AesCounterMode.BLOCK;
        }
        while (off < end) {
            partial[partialLength++] = data[off++];
        }
    }

    /** Zero-pads the current segment to a whole block. */
    void padToBlock() {
        if (partialLength > 0) {
            for (int i = partialLength; i < AesCounterMode.BLOCK; i++) {
                partial[i] = 0;
            }
            absorb(AesCounterMode.readLong(partial, 0), AesCounterMode.readLong(partial, 8));
            partialLength = 0;
        }
    }

    /** Closes the ciphertext segment and absorbs the block len(A) || len(C) in bits; S is then {@link #high()}, {@link #low()}. */
    void finish(long aadBytes, long cipherBytes) {
        padToBlock();
        absorb(aadBytes << 3, cipherBytes << 3);
    }

    long high() {
        return stateHigh;
    }

    long low() {
        return stateLow;
    }

    private void absorb(long blockHigh, long blockLow) {
        long x = stateHigh ^ blockHigh;
        long y = stateLow ^ blockLow;
        long zHigh = 0;
        long zLow = 0;
        for (int p = 0; p < 16; p++) {
            int i = (p << 4) | (int) ((x >>> (60 - 4 * p)) & 15);
            zHigh ^= tableHigh[i];
            zLow ^= tableLow[i];
        }
        for (int p = 0; p < 16; p++) {
            int i = ((p + 16) << 4) | (int) ((y >>> (60 - 4 * p)) & 15);
            zHigh ^= tableHigh[i];
            zLow ^= tableLow[i];
        }
        stateHigh = zHigh;
        stateLow = zLow;
    }
}
