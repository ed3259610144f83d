package io.sluice.worker.sctp;

/**
 * Serial number arithmetic for TSNs (RFC 9260 §1.6, RFC 1982): the association keeps TSNs as
 * 64-bit counters that never wrap, and unwraps each 32-bit TSN read from the wire to the counter
 * value nearest to one it already knows.
 */
final class Serial {

    private Serial() {}

    /** The 64-bit value whose low 32 bits are {@code wire} and which is nearest to {@code reference}. */
    static long unwrap(long wire, long reference) {
        long candidate = (reference & ~0xffffffffL) | (wire & 0xffffffffL);
        long difference = candidate - reference;
        if (difference > 0x80000000L) {
            candidate -= 1L << 32;
        } else if (difference < -0x80000000L) {
            candidate += 1L << 32;
        }
        return candidate;
    }

    /** Whether 16-bit stream sequence number {@code a} comes after {@code b} (RFC 1982 with SERIAL_BITS 16). */
    static boolean after16(int a, int b) {
        int difference = (a - b) & 0xffff;
        return difference != 0 && difference < 0x8000;
    }
}
