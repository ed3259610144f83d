package io.sluice.worker.srtp;

/**
 * GHASH in plain Java, the fallback when {@link JdkGhash} is not available, with per-position tables:
 * {@code table[p][n] = (n placed at position p) · H}, so multiplying by H is a handful of
 * independent look-ups XORed together, with no reduction step. {@link #wide} uses byte positions
 * (16 look-ups per block, 64 KiB of tables per key) for SRTP, whose volume matters;
 * {@link #narrow} uses nibble positions (32 look-ups, 8 KiB) for SRTCP. Elements are two
 * big-endian longs (bytes 0-7, 8-15); the coefficient of x^0 is the most significant bit of byte 0
 * (SP 800-38D §6.3). The tables are why GCM on this class is slow in a fan-out: each consumer's
 * key has its own 64 KiB, which a packet walks through and the next consumer's packet evicts.
 * Not thread-safe.
 */
final class TableGhash extends Ghash {
    private static final long R = 0xE100_0000_0000_0000L;

    private final int bits;
    /** Entry i is the pair (table[2i], table[2i+1]): high and low half share a cache line. */
    private final long[] table;
    private long stateHigh;
    private long stateLow;

    static TableGhash wide(byte[] hashSubkey) {
        return new TableGhash(hashSubkey, 8);
    }

    static TableGhash narrow(byte[] hashSubkey) {
        return new TableGhash(hashSubkey, 4);
    }

    private TableGhash(byte[] hashSubkey, int bits) {
        this.bits = bits;
        int positions = 128 / bits;
        int entries = 1 << bits;
        table = new long[2 * positions * entries];
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
                int at = 2 * (p * entries + n);
                int restAt = 2 * (p * entries + rest);
                table[at] = powHigh[power] ^ table[restAt];
                table[at + 1] = powLow[power] ^ table[restAt + 1];
            }
        }
    }

    @Override
    void resetState() {
        stateHigh = 0;
        stateLow = 0;
    }

    @Override
    void absorbBlocks(byte[] data, int off, int blocks) {
        for (int end = off + blocks * AesCounterMode.BLOCK; off < end; off += AesCounterMode.BLOCK) {
            absorb(AesCounterMode.readLong(data, off), AesCounterMode.readLong(data, off + 8));
        }
    }

    @Override
    long high() {
        return stateHigh;
    }

    @Override
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
        long[] t = table;
        long h0 = 0;
        long h1 = 0;
        long h2 = 0;
        long h3 = 0;
        long l0 = 0;
        long l1 = 0;
        long l2 = 0;
        long l3 = 0;
        int i0 = 0 + 2 * (int) ((x >>> 56) & 255);
        h0 ^= t[i0];
        l0 ^= t[i0 + 1];
        int i1 = 512 + 2 * (int) ((x >>> 48) & 255);
        h1 ^= t[i1];
        l1 ^= t[i1 + 1];
        int i2 = 1024 + 2 * (int) ((x >>> 40) & 255);
        h2 ^= t[i2];
        l2 ^= t[i2 + 1];
        int i3 = 1536 + 2 * (int) ((x >>> 32) & 255);
        h3 ^= t[i3];
        l3 ^= t[i3 + 1];
        int i4 = 2048 + 2 * (int) ((x >>> 24) & 255);
        h0 ^= t[i4];
        l0 ^= t[i4 + 1];
        int i5 = 2560 + 2 * (int) ((x >>> 16) & 255);
        h1 ^= t[i5];
        l1 ^= t[i5 + 1];
        int i6 = 3072 + 2 * (int) ((x >>> 8) & 255);
        h2 ^= t[i6];
        l2 ^= t[i6 + 1];
        int i7 = 3584 + 2 * (int) ((x >>> 0) & 255);
        h3 ^= t[i7];
        l3 ^= t[i7 + 1];
        int i8 = 4096 + 2 * (int) ((y >>> 56) & 255);
        h0 ^= t[i8];
        l0 ^= t[i8 + 1];
        int i9 = 4608 + 2 * (int) ((y >>> 48) & 255);
        h1 ^= t[i9];
        l1 ^= t[i9 + 1];
        int i10 = 5120 + 2 * (int) ((y >>> 40) & 255);
        h2 ^= t[i10];
        l2 ^= t[i10 + 1];
        int i11 = 5632 + 2 * (int) ((y >>> 32) & 255);
        h3 ^= t[i11];
        l3 ^= t[i11 + 1];
        int i12 = 6144 + 2 * (int) ((y >>> 24) & 255);
        h0 ^= t[i12];
        l0 ^= t[i12 + 1];
        int i13 = 6656 + 2 * (int) ((y >>> 16) & 255);
        h1 ^= t[i13];
        l1 ^= t[i13 + 1];
        int i14 = 7168 + 2 * (int) ((y >>> 8) & 255);
        h2 ^= t[i14];
        l2 ^= t[i14 + 1];
        int i15 = 7680 + 2 * (int) ((y >>> 0) & 255);
        h3 ^= t[i15];
        l3 ^= t[i15 + 1];
        stateHigh = (h0 ^ h1) ^ (h2 ^ h3);
        stateLow = (l0 ^ l1) ^ (l2 ^ l3);
    }

    private void absorbNibbles(long x, long y) {
        long[] t = table;
        long h0 = 0;
        long h1 = 0;
        long h2 = 0;
        long h3 = 0;
        long l0 = 0;
        long l1 = 0;
        long l2 = 0;
        long l3 = 0;
        int i0 = 0 + 2 * (int) ((x >>> 60) & 15);
        h0 ^= t[i0];
        l0 ^= t[i0 + 1];
        int i1 = 32 + 2 * (int) ((x >>> 56) & 15);
        h1 ^= t[i1];
        l1 ^= t[i1 + 1];
        int i2 = 64 + 2 * (int) ((x >>> 52) & 15);
        h2 ^= t[i2];
        l2 ^= t[i2 + 1];
        int i3 = 96 + 2 * (int) ((x >>> 48) & 15);
        h3 ^= t[i3];
        l3 ^= t[i3 + 1];
        int i4 = 128 + 2 * (int) ((x >>> 44) & 15);
        h0 ^= t[i4];
        l0 ^= t[i4 + 1];
        int i5 = 160 + 2 * (int) ((x >>> 40) & 15);
        h1 ^= t[i5];
        l1 ^= t[i5 + 1];
        int i6 = 192 + 2 * (int) ((x >>> 36) & 15);
        h2 ^= t[i6];
        l2 ^= t[i6 + 1];
        int i7 = 224 + 2 * (int) ((x >>> 32) & 15);
        h3 ^= t[i7];
        l3 ^= t[i7 + 1];
        int i8 = 256 + 2 * (int) ((x >>> 28) & 15);
        h0 ^= t[i8];
        l0 ^= t[i8 + 1];
        int i9 = 288 + 2 * (int) ((x >>> 24) & 15);
        h1 ^= t[i9];
        l1 ^= t[i9 + 1];
        int i10 = 320 + 2 * (int) ((x >>> 20) & 15);
        h2 ^= t[i10];
        l2 ^= t[i10 + 1];
        int i11 = 352 + 2 * (int) ((x >>> 16) & 15);
        h3 ^= t[i11];
        l3 ^= t[i11 + 1];
        int i12 = 384 + 2 * (int) ((x >>> 12) & 15);
        h0 ^= t[i12];
        l0 ^= t[i12 + 1];
        int i13 = 416 + 2 * (int) ((x >>> 8) & 15);
        h1 ^= t[i13];
        l1 ^= t[i13 + 1];
        int i14 = 448 + 2 * (int) ((x >>> 4) & 15);
        h2 ^= t[i14];
        l2 ^= t[i14 + 1];
        int i15 = 480 + 2 * (int) ((x >>> 0) & 15);
        h3 ^= t[i15];
        l3 ^= t[i15 + 1];
        int i16 = 512 + 2 * (int) ((y >>> 60) & 15);
        h0 ^= t[i16];
        l0 ^= t[i16 + 1];
        int i17 = 544 + 2 * (int) ((y >>> 56) & 15);
        h1 ^= t[i17];
        l1 ^= t[i17 + 1];
        int i18 = 576 + 2 * (int) ((y >>> 52) & 15);
        h2 ^= t[i18];
        l2 ^= t[i18 + 1];
        int i19 = 608 + 2 * (int) ((y >>> 48) & 15);
        h3 ^= t[i19];
        l3 ^= t[i19 + 1];
        int i20 = 640 + 2 * (int) ((y >>> 44) & 15);
        h0 ^= t[i20];
        l0 ^= t[i20 + 1];
        int i21 = 672 + 2 * (int) ((y >>> 40) & 15);
        h1 ^= t[i21];
        l1 ^= t[i21 + 1];
        int i22 = 704 + 2 * (int) ((y >>> 36) & 15);
        h2 ^= t[i22];
        l2 ^= t[i22 + 1];
        int i23 = 736 + 2 * (int) ((y >>> 32) & 15);
        h3 ^= t[i23];
        l3 ^= t[i23 + 1];
        int i24 = 768 + 2 * (int) ((y >>> 28) & 15);
        h0 ^= t[i24];
        l0 ^= t[i24 + 1];
        int i25 = 800 + 2 * (int) ((y >>> 24) & 15);
        h1 ^= t[i25];
        l1 ^= t[i25 + 1];
        int i26 = 832 + 2 * (int) ((y >>> 20) & 15);
        h2 ^= t[i26];
        l2 ^= t[i26 + 1];
        int i27 = 864 + 2 * (int) ((y >>> 16) & 15);
        h3 ^= t[i27];
        l3 ^= t[i27 + 1];
        int i28 = 896 + 2 * (int) ((y >>> 12) & 15);
        h0 ^= t[i28];
        l0 ^= t[i28 + 1];
        int i29 = 928 + 2 * (int) ((y >>> 8) & 15);
        h1 ^= t[i29];
        l1 ^= t[i29 + 1];
        int i30 = 960 + 2 * (int) ((y >>> 4) & 15);
        h2 ^= t[i30];
        l2 ^= t[i30 + 1];
        int i31 = 992 + 2 * (int) ((y >>> 0) & 15);
        h3 ^= t[i31];
        l3 ^= t[i31 + 1];
        stateHigh = (h0 ^ h1) ^ (h2 ^ h3);
        stateLow = (l0 ^ l1) ^ (l2 ^ l3);
    }
}
