package io.sluice.worker.srtp;

/**
 * What one context remembers about one SSRC: the rollover counter and highest sequence number
 * (RFC 3711 §3.3.1), the SRTP and SRTCP replay windows of a receiver, and the next SRTCP index of
 * a sender (§3.4). Created on the first authenticated (or first sent) packet of the SSRC.
 */
final class SrtpStream {
    private static final int SEQ_MODULUS = 1 << 16;
    private static final int HALF_SEQ = 1 << 15;

    final int ssrc;
    private int rolloverCounter;
    private int highestSequence;
    private boolean started;
    final ReplayWindow rtpReplay = new ReplayWindow();
    final ReplayWindow rtcpReplay = new ReplayWindow();
    private int nextSrtcpIndex;

    SrtpStream(int ssrc) {
        this.ssrc = ssrc;
    }

    /**
     * The packet index i = 2^16 · v + SEQ, with v guessed from ROC and s_l as in RFC 3711
     * Appendix A; negative when the guess is ROC - 1 while ROC is still 0 (a packet from before
     * the stream's first one).
     */
    long estimateIndex(int sequence) {
        return estimateIndex(started, rolloverCounter, highestSequence, sequence);
    }

    static long estimateIndex(boolean started, int rolloverCounter, int highestSequence, int sequence) {
        if (!started) {
            return sequence;
        }
        long roc = rolloverCounter & 0xFFFF_FFFFL;
        long guess;
        if (highestSequence < HALF_SEQ) {
            guess = sequence - highestSequence > HALF_SEQ ? roc - 1 : roc;
        } else {
            guess = highestSequence - HALF_SEQ > sequence ? roc + 1 : roc;
        }
        return guess * SEQ_MODULUS + sequence;
    }

    /** Moves ROC and s_l forward when {@code index} is the highest seen (RFC 3711 §3.3.1). */
    void advanceTo(long index) {
        long highest = ((rolloverCounter & 0xFFFF_FFFFL) << 16) | highestSequence;
        if (!started || index > highest) {
            rolloverCounter = (int) (index >>> 16);
            highestSequence = (int) (index & 0xFFFF);
            started = true;
        }
    }

    int rolloverCounter() {
        return rolloverCounter;
    }

    /** Sets the sender's or receiver's starting ROC (RFC 3711 §3.3.1, signalled out of band). */
    void startAt(int rolloverCounter, int highestSequence) {
        this.rolloverCounter = rolloverCounter;
        this.highestSequence = highestSequence;
        this.started = true;
    }

    /** The next SRTCP index to send, or -1 once the 31-bit space is exhausted (RFC 3711 §3.4, §9.2). */
    int takeSrtcpIndex() {
        int index = nextSrtcpIndex;
        if (index < 0) {
            return -1;
        }
        nextSrtcpIndex = index + 1 == SrtpTransform.SRTCP_E_FLAG ? -1 : index + 1;
        return index;
    }

    void setNextSrtcpIndex(int index) {
        nextSrtcpIndex = index;
    }
}
