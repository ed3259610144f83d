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

    /**
     * One multiplication by H: each {@code bits}-wide slice of the 128-bit element selects one entry
     * of its position's table. Two accumulators per half keep the XORs from forming one long chain.
     */
    private void absorb(long blockHigh, long blockLow) {
        long[] t = table;
        int perWord = 64 / bits;
        int mask = (1 << bits) - 1;
        int stride = 2 << bits;
        long x = stateHigh ^ blockHigh;
        long y = stateLow ^ blockLow;
        long h0 = 0;
        long h1 = 0;
        long l0 = 0;
        long l1 = 0;
        for (int p = 0; p < perWord; p++) {
            int shift = 64 - bits * (p + 1);
            int i = p * stride + 2 * (int) ((x >>> shift) & mask);
            int j = (p + perWord) * stride + 2 * (int) ((y >>> shift) & mask);
            h0 ^= t[i];
            l0 ^= t[i + 1];
            h1 ^= t[j];
            l1 ^= t[j + 1];
        }
        stateHigh = h0 ^ h1;
        stateLow = l0 ^ l1;
    }
}
