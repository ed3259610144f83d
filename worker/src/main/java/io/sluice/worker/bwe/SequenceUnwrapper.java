package io.sluice.worker.bwe;

/**
 * Places 16-bit sequence numbers on a 64-bit line (RFC 3550 §A.1): each number lands in the cycle
 * nearest to the highest seen so far, so wraps and moderate reordering keep their order.
 */
final class SequenceUnwrapper {

    private long highest = -1;

    /** The unwrapped value of {@code sequenceNumber}; moves the highest seen forward. */
    long unwrap(int sequenceNumber) {
        long unwrapped = peek(sequenceNumber);
        if (unwrapped > highest) {
            highest = unwrapped;
        }
        return unwrapped;
    }

    /** The unwrapped value of {@code sequenceNumber} without taking it as seen. */
    long peek(int sequenceNumber) {
        int sequence = sequenceNumber & 0xFFFF;
        if (highest < 0) {
            return sequence;
        }
        long candidate = (highest & ~0xFFFFL) | sequence;
        if (candidate - highest > 0x8000) {
            candidate -= 0x10000;
        } else if (highest - candidate > 0x8000) {
            candidate += 0x10000;
        }
        return candidate;
    }

    /** The highest unwrapped number seen, -1 before the first. */
    long highest() {
        return highest;
    }
}
