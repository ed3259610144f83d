package io.sluice.worker.srtp;

/**
 * GHASH, the universal hash of GCM (NIST SP 800-38D §6.4): {@code S = (S ^ block) · H} over the
 * AAD, the ciphertext and their lengths. Input may arrive in pieces; {@link #padToBlock()} closes a
 * segment (the AAD or the ciphertext) with zeros. The state is two big-endian longs (bytes 0-7,
 * 8-15 of S). Subclasses only multiply: {@link JdkGhash} with the JDK's carry-less-multiply
 * intrinsic when the JVM lets us reach it, {@link TableGhash} in plain Java otherwise.
 * Not thread-safe: one instance per context, used by the loop that owns the context.
 */
abstract sealed class Ghash permits JdkGhash, TableGhash {
    private final byte[] partial = new byte[AesCounterMode.BLOCK];
    private int partialLength;

    /** For SRTP, whose volume matters: the JDK's intrinsic, else 64 KiB of byte-position tables. */
    static Ghash forSrtp(byte[] hashSubkey) {
        return JdkGhash.isAvailable() ? new JdkGhash(hashSubkey) : TableGhash.wide(hashSubkey);
    }

    /** For SRTCP: the JDK's intrinsic, else 8 KiB of nibble-position tables. */
    static Ghash forSrtcp(byte[] hashSubkey) {
        return JdkGhash.isAvailable() ? new JdkGhash(hashSubkey) : TableGhash.narrow(hashSubkey);
    }

    /** S = 0. */
    abstract void resetState();

    /** Absorbs {@code blocks} whole blocks from {@code data[off..]}. */
    abstract void absorbBlocks(byte[] data, int off, int blocks);

    abstract long high();

    abstract long low();

    final void reset() {
        resetState();
        partialLength = 0;
    }

    final void update(byte[] data, int off, int len) {
        int end = off + len;
        if (partialLength > 0) {
            while (off < end && partialLength < AesCounterMode.BLOCK) {
                partial[partialLength++] = data[off++];
            }
            if (partialLength < AesCounterMode.BLOCK) {
                return;
            }
            absorbBlocks(partial, 0, 1);
            partialLength = 0;
        }
        int blocks = (end - off) / AesCounterMode.BLOCK;
        if (blocks > 0) {
            absorbBlocks(data, off, blocks);
            off += blocks * AesCounterMode.BLOCK;
        }
        while (off < end) {
            partial[partialLength++] = data[off++];
        }
    }

    /** Zero-pads the current segment to a whole block. */
    final void padToBlock() {
        if (partialLength > 0) {
            for (int i = partialLength; i < AesCounterMode.BLOCK; i++) {
                partial[i] = 0;
            }
            absorbBlocks(partial, 0, 1);
            partialLength = 0;
        }
    }

    /** Closes the ciphertext segment and absorbs len(A) || len(C) in bits; S is then {@link #high()}, {@link #low()}. */
    final void finish(long aadBytes, long cipherBytes) {
        padToBlock();
        AesCounterMode.writeLong(partial, 0, aadBytes << 3);
        AesCounterMode.writeLong(partial, 8, cipherBytes << 3);
        absorbBlocks(partial, 0, 1);
    }
}
