package io.sluice.worker.sctp;

/**
 * How hard a message is retransmitted (RFC 8831 §6.1): fully reliable, or partially reliable
 * (RFC 3758) with either a retransmission limit or a lifetime, after which it is abandoned and
 * the receiver told to skip it with FORWARD TSN.
 *
 * @param maxRetransmits          retransmissions allowed, or -1 for no limit
 * @param maxPacketLifeTimeMillis lifetime from {@code send}, or -1 for no limit
 */
public record Reliability(int maxRetransmits, long maxPacketLifeTimeMillis) {

    public static final Reliability RELIABLE = new Reliability(-1, -1);

    public Reliability {
        if (maxRetransmits >= 0 && maxPacketLifeTimeMillis >= 0) {
            throw new IllegalArgumentException("maxRetransmits and maxPacketLifeTime exclude each other (RFC 8831 §6.1)");
        }
    }

    public static Reliability maxRetransmits(int count) {
        return new Reliability(count, -1);
    }

    public static Reliability maxPacketLifeTime(long millis) {
        return new Reliability(-1, millis);
    }

    public boolean reliable() {
        return maxRetransmits < 0 && maxPacketLifeTimeMillis < 0;
    }
}
