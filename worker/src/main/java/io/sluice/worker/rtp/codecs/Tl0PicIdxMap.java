package io.sluice.worker.rtp.codecs;

/**
 * Maps a source's TL0PICIDX (RFC 7741 §4.2, RFC 9628 §4.2: an 8-bit running index of the base
 * temporal layer's pictures) onto the forwarded stream's. Base layer pictures are never dropped for
 * temporal filtering, so only a source switch needs a new offset: the new source's first base
 * picture (its key frame) continues from the last index sent.
 */
final class Tl0PicIdxMap {

    private int delta;
    private int lastOut = -1;

    /** Starts mapping a (new) source whose key frame carries {@code in}. */
    void resync(int in) {
        delta = lastOut < 0 ? 0 : (in - (lastOut + 1)) & 0xFF;
    }

    /** The forwarded index for {@code in}; {@code newest} records it as the last one sent. */
    int map(int in, boolean newest) {
        int out = (in - delta) & 0xFF;
        if (newest) {
            lastOut = out;
        }
        return out;
    }
}
