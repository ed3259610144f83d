package io.sluice.worker.rtp.codecs;

import java.util.Arrays;

/**
 * Maps a source's picture ids (VP8 RFC 7741 §4.2, VP9 RFC 9628 §4.2; 7 or 15 bits) onto those of
 * the forwarded stream and remembers, for the last {@value #WINDOW} pictures, whether each was
 * forwarded, so that every packet of a picture gets the same decision and the same new id, also
 * when packets arrive out of order or are retransmitted.
 *
 * <p>Output ids are {@code (in - delta) mod 2^bits}. {@link #resync} chooses {@code delta} so
 * that a new source continues from the last id sent. With {@code compress}, a dropped picture that
 * is the newest seen shifts the pictures after it down by one, so that the forwarded ids stay
 * continuous over dropped temporal layers (VP8). Pictures skipped by a jump in the input (lost, or
 * still to come) are kept pending with the id they would have; if one arrives late and is dropped,
 * it leaves a gap rather than renumbering pictures already sent.
 *
 * <p>Allocation-free: fixed arrays indexed by the id's low bits.
 */
final class PictureMap {

    /** Pictures remembered; a power of two, at most half of the 7-bit id space. */
    static final int WINDOW = 64;
    /** {@link #find} for a picture newer than any seen: call {@link #advance}. */
    static final int NEWER = -1;
    /** {@link #find} for a picture too old to be remembered: drop it. */
    static final int UNKNOWN = -2;

    private static final byte EMPTY = 0;
    private static final byte PENDING = 1;
    private static final byte FORWARDED = 2;
    private static final byte DROPPED = 3;

    private final boolean compress;
    private final int[] inIds = new int[WINDOW];
    private final int[] outIds = new int[WINDOW];
    private final byte[] states = new byte[WINDOW];
    private final int[] tags = new int[WINDOW];
    private int mask = 0x7FFF;
    private int newestIn = -1;
    private int delta;
    private int lastOut = -1;

    PictureMap(boolean compress) {
        this.compress = compress;
    }

    /**
     * Starts mapping a (new) source at picture {@code in}: it will get the id after the last one
     * sent, or keep its own when nothing was sent yet. Forgets every earlier picture.
     */
    void resync(int in, int bits) {
        mask = bits == 7 ? 0x7F : 0x7FFF;
        delta = lastOut < 0 ? 0 : (in - (lastOut + 1)) & mask;
        Arrays.fill(states, EMPTY);
        newestIn = (in - 1) & mask;
    }

    /**
     * The slot remembering picture {@code in}, {@link #NEWER} when it is newer than any seen, or
     * {@link #UNKNOWN} when it is older than the window (or nothing was synced yet).
     */
    int find(int in) {
        if (newestIn < 0) {
            return UNKNOWN;
        }
        int ahead = (in - newestIn) & mask;
        if (ahead != 0 && ahead <= (mask >>> 1)) {
            return NEWER;
        }
        int slot = in & (WINDOW - 1);
        return states[slot] != EMPTY && inIds[slot] == in ? slot : UNKNOWN;
    }

    /**
     * Makes picture {@code in}, newer than any seen, the newest; the pictures skipped on the way
     * become pending. Returns its slot, pending.
     */
    int advance(int in) {
        int ahead = (in - newestIn) & mask;
        if (ahead > WINDOW) {
            Arrays.fill(states, EMPTY);
        } else {
            for (int skipped = 1; skipped < ahead; skipped++) {
                remember((newestIn + skipped) & mask);
            }
        }
        newestIn = in;
        return remember(in);
    }

    private int remember(int in) {
        int slot = in & (WINDOW - 1);
        inIds[slot] = in;
        outIds[slot] = (in - delta) & mask;
        states[slot] = PENDING;
        tags[slot] = 0;
        return slot;
    }

    /** Whether the picture in {@code slot} is still to be decided. */
    boolean pending(int slot) {
        return states[slot] == PENDING;
    }

    /** Whether the picture in {@code slot} is the newest seen. */
    boolean newest(int slot) {
        return inIds[slot] == newestIn;
    }

    void forward(int slot) {
        states[slot] = FORWARDED;
        if (newest(slot)) {
            lastOut = outIds[slot];
        }
    }

    void drop(int slot) {
        states[slot] = DROPPED;
        if (compress && newest(slot)) {
            delta = (delta + 1) & mask;
        }
    }

    boolean forwarded(int slot) {
        return states[slot] == FORWARDED;
    }

    /** The forwarded id of the picture in {@code slot}. */
    int outId(int slot) {
        return outIds[slot];
    }

    /** A small value the rewriter keeps per picture (VP9: the highest spatial layer forwarded). */
    int tag(int slot) {
        return tags[slot];
    }

    void setTag(int slot, int tag) {
        tags[slot] = tag;
    }
}
