package io.sluice.worker.srtp;

/**
 * GHASH, the universal hash of GCM (NIST SP 800-38D §6.4), with per-position tables:
 * {@code table[p][n] = (n placed at position p) · H}, so multiplying by H is a handful of
 * independent look-ups XORed together, with no reduction step. {@link #wide} uses byte positions
 * (16 look-ups per block, 64 KiB of tables per key) for SRTP, whose volume matters;
 * {@link #narrow} uses nibble positions (32 look-ups, 8 KiB) for SRTCP. Elements are two
 * big-endian longs (bytes 0-7, 8-15); the coefficient of x^0 is the most significant bit of byte 0
 * (SP 800-38D §6.3). Input may arrive in pieces; {@link #padToBlock()} closes a segment (the AAD
 * or the ciphertext) with zeros. Not thread-safe.
 */
final class Ghash {
    private static final long R = 0xE100_0000_0000_0000L;

    private final int bits;
    private final long[] tableHigh;
    private final long[] tableLow;
    private long stateHigh;
    private long stateLow;
    private final byte[] partial = new byte[AesCounterMode.BLOCK];
    private int partialLength;

    static Ghash wide(byte[] hashSubkey) {
        return new Ghash(hashSubkey, 8);
    }

    static Ghash narrow(byte[] hashSubkey) {
        return new Ghash(hashSubkey, 4);
    }

    private Ghash(byte[] hashSubkey, int bits) {
        this.bits = bits;
        int positions = 128 / bits;
        int entries = 1 << bits;
        tableHigh = new long[positions * entries];
        tableLow = new long[positions * entries];
        long vHigh = AesCounterMode.readLong(hashSubkey, 0);
        long vLow = AesCounterMode.readLong(hashSubkey, 8);
        // H · x^k for k = 0..127 (multiplying by x is a right shift in GCM's bit order).
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
        // Each entry is the XOR of the powers its bits select; the top bit of n is x^(bits·p).
        for (int p = 0; p < positions; p++) {
            for (int n = 1; n < entries; n++) {
                int top = 31 - Integer.numberOfLeadingZeros(n);
                int rest = n ^ (1 << top);
                int power = bits * p + (bits - 1 - top);
                tableHigh[p * entries + n] = powHigh[power] ^ tableHigh[p * entries + rest];
                tableLow[p * entries + n] = powLow[power] ^ tableLow[p * entries + rest];
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

    /** Closes the ciphertext segment and absorbs len(A) || len(C) in bits; S is then {@link #high()}, {@link #low()}. */
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
        if (bits == 8) {
            absorbBytes(stateHigh ^ blockHigh, stateLow ^ blockLow);
        } else {
            absorbNibbles(stateHigh ^ blockHigh, stateLow ^ blockLow);
        }
    }

    // Unrolled by hand: constant shifts and table offsets let the JIT drop bounds checks, and four
    // accumulators turn the XORs into a shallow tree instead of one long dependency chain.

    private void absorbBytes(long x, long y) {
        long[] th = tableHigh;
        long[] tl = tableLow;
        long h0 = 0;
        long h1 = 0;
        long h2 = 0;
        long h3 = 0;
        long l0 = 0;
        long l1 = 0;
        long l2 = 0;
        long l3 = 0;
        int i0 = 0 + (int) ((x >>> 56) & 255);
        h0 ^= th[i0];
        l0 ^= tl[i0];
        int i1 = 256 + (int) ((x >>> 48) & 255);
        h1 ^= th[i1];
        l1 ^= tl[i1];
        int i2 = 512 + (int) ((x >>> 40) & 255);
        h2 ^= th[i2];
        l2 ^= tl[i2];
        int i3 = 768 + (int) ((x >>> 32) & 255);
        h3 ^= th[i3];
        l3 ^= tl[i3];
        int i4 = 1024 + (int) ((x >>> 24) & 255);
        h0 ^= th[i4];
        l0 ^= tl[i4];
        int i5 = 1280 + (int) ((x >>> 16) & 255);
        h1 ^= th[i5];
        l1 ^= tl[i5];
        int i6 = 1536 + (int) ((x >>> 8) & 255);
        h2 ^= th[i6];
        l2 ^= tl[i6];
        int i7 = 1792 + (int) ((x >>> 0) & 255);
        h3 ^= th[i7];
        l3 ^= tl[i7];
        int i8 = 2048 + (int) ((y >>> 56) & 255);
        h0 ^= th[i8];
        l0 ^= tl[i8];
        int i9 = 2304 + (int) ((y >>> 48) & 255);
        h1 ^= th[i9];
        l1 ^= tl[i9];
        int i10 = 2560 + (int) ((y >>> 40) & 255);
        h2 ^= th[i10];
        l2 ^= tl[i10];
        int i11 = 2816 + (int) ((y >>> 32) & 255);
        h3 ^= th[i11];
        l3 ^= tl[i11];
        int i12 = 3072 + (int) ((y >>> 24) & 255);
        h0 ^= th[i12];
        l0 ^= tl[i12];
        int i13 = 3328 + (int) ((y >>> 16) & 255);
        h1 ^= th[i13];
        l1 ^= tl[i13];
        int i14 = 3584 + (int) ((y >>> 8) & 255);
        h2 ^= th[i14];
        l2 ^= tl[i14];
        int i15 = 3840 + (int) ((y >>> 0) & 255);
        h3 ^= th[i15];
        l3 ^= tl[i15];
        stateHigh = (h0 ^ h1) ^ (h2 ^ h3);
        stateLow = (l0 ^ l1) ^ (l2 ^ l3);
    }

    private void absorbNibbles(long x, long y) {
        long[] th = tableHigh;
        long[] tl = tableLow;
        long h0 = 0;
        long h1 = 0;
        long h2 = 0;
        long h3 = 0;
        long l0 = 0;
        long l1 = 0;
        long l2 = 0;
        long l3 = 0;
        int i0 = 0 + (int) ((x >>> 60) & 15);
        h0 ^= th[i0];
        l0 ^= tl[i0];
        int i1 = 16 + (int) ((x >>> 56) & 15);
        h1 ^= th[i1];
        l1 ^= tl[i1];
        int i2 = 32 + (int) ((x >>> 52) & 15);
        h2 ^= th[i2];
        l2 ^= tl[i2];
        int i3 = 48 + (int) ((x >>> 48) & 15);
        h3 ^= th[i3];
        l3 ^= tl[i3];
        int i4 = 64 + (int) ((x >>> 44) & 15);
        h0 ^= th[i4];
        l0 ^= tl[i4];
        int i5 = 80 + (int) ((x >>> 40) & 15);
        h1 ^= th[i5];
        l1 ^= tl[i5];
        int i6 = 96 + (int) ((x >>> 36) & 15);
        h2 ^= th[i6];
        l2 ^= tl[i6];
        int i7 = 112 + (int) ((x >>> 32) & 15);
        h3 ^= th[i7];
        l3 ^= tl[i7];
        int i8 = 128 + (int) ((x >>> 28) & 15);
        h0 ^= th[i8];
        l0 ^= tl[i8];
        int i9 = 144 + (int) ((x >>> 24) & 15);
        h1 ^= th[i9];
        l1 ^= tl[i9];
        int i10 = 160 + (int) ((x >>> 20) & 15);
        h2 ^= th[i10];
        l2 ^= tl[i10];
        int i11 = 176 + (int) ((x >>> 16) & 15);
        h3 ^= th[i11];
        l3 ^= tl[i11];
        int i12 = 192 + (int) ((x >>> 12) & 15);
        h0 ^= th[i12];
        l0 ^= tl[i12];
        int i13 = 208 + (int) ((x >>> 8) & 15);
        h1 ^= th[i13];
        l1 ^= tl[i13];
        int i14 = 224 + (int) ((x >>> 4) & 15);
        h2 ^= th[i14];
        l2 ^= tl[i14];
        int i15 = 240 + (int) ((x >>> 0) & 15);
        h3 ^= th[i15];
        l3 ^= tl[i15];
        int i16 = 256 + (int) ((y >>> 60) & 15);
        h0 ^= th[i16];
        l0 ^= tl[i16];
        int i17 = 272 + (int) ((y >>> 56) & 15);
        h1 ^= th[i17];
        l1 ^= tl[i17];
        int i18 = 288 + (int) ((y >>> 52) & 15);
        h2 ^= th[i18];
        l2 ^= tl[i18];
        int i19 = 304 + (int) ((y >>> 48) & 15);
        h3 ^= th[i19];
        l3 ^= tl[i19];
        int i20 = 320 + (int) ((y >>> 44) & 15);
        h0 ^= th[i20];
        l0 ^= tl[i20];
        int i21 = 336 + (int) ((y >>> 40) & 15);
        h1 ^= th[i21];
        l1 ^= tl[i21];
        int i22 = 352 + (int) ((y >>> 36) & 15);
        h2 ^= th[i22];
        l2 ^= tl[i22];
        int i23 = 368 + (int) ((y >>> 32) & 15);
        h3 ^= th[i23];
        l3 ^= tl[i23];
        int i24 = 384 + (int) ((y >>> 28) & 15);
        h0 ^= th[i24];
        l0 ^= tl[i24];
        int i25 = 400 + (int) ((y >>> 24) & 15);
        h1 ^= th[i25];
        l1 ^= tl[i25];
        int i26 = 416 + (int) ((y >>> 20) & 15);
        h2 ^= th[i26];
        l2 ^= tl[i26];
        int i27 = 432 + (int) ((y >>> 16) & 15);
        h3 ^= th[i27];
        l3 ^= tl[i27];
        int i28 = 448 + (int) ((y >>> 12) & 15);
        h0 ^= th[i28];
        l0 ^= tl[i28];
        int i29 = 464 + (int) ((y >>> 8) & 15);
        h1 ^= th[i29];
        l1 ^= tl[i29];
        int i30 = 480 + (int) ((y >>> 4) & 15);
        h2 ^= th[i30];
        l2 ^= tl[i30];
        int i31 = 496 + (int) ((y >>> 0) & 15);
        h3 ^= th[i31];
        l3 ^= tl[i31];
        stateHigh = (h0 ^ h1) ^ (h2 ^ h3);
        stateLow = (l0 ^ l1) ^ (l2 ^ l3);
    }
}
