package io.sluice.worker.bwe;

/**
 * What a transport sent, per transport-wide sequence number
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01 §2): send time, size and the probe cluster
 * the packet belonged to, so that the receiver's feedback (§3.1), which reports only sequence
 * numbers and arrival times, can be turned into per-packet delay and loss. A preallocated ring
 * indexed by the unwrapped number: nothing is allocated per packet, and a number older than
 * {@link #CAPACITY} packets is forgotten (its feedback came far too late to matter).
 */
public final class SentPacketHistory {

    /** Packets kept: 16 384, well over a second at 10 000 packets/s. */
    public static final int CAPACITY = 1 << 14;
    private static final int MASK = CAPACITY - 1;
    /** {@link #onPacketSent}'s cluster id for a packet sent outside any probe cluster. */
    public static final int NO_CLUSTER = -1;

    private final SequenceUnwrapper unwrapper = new SequenceUnwrapper();
    private final long[] sequence = new long[CAPACITY];
    private final long[] sendMicros = new long[CAPACITY];
    private final int[] size = new int[CAPACITY];
    private final int[] cluster = new int[CAPACITY];
    private long packetsSent;
    private long bytesSent;

    public SentPacketHistory() {
        java.util.Arrays.fill(sequence, -1);
    }

    /**
     * A packet with transport-wide number {@code transportSequenceNumber} and {@code sizeBytes}
     * bytes on the wire (RTP header, payload and padding; SRTP's tag is left out as libwebrtc
     * does) left at {@code nowMicros}, in probe cluster {@code clusterId} or {@link #NO_CLUSTER}.
     */
    public void onPacketSent(int transportSequenceNumber, int sizeBytes, int clusterId, long nowMicros) {
        long unwrapped = unwrapper.unwrap(transportSequenceNumber);
        int slot = (int) (unwrapped & MASK);
        sequence[slot] = unwrapped;
        sendMicros[slot] = nowMicros;
        size[slot] = sizeBytes;
        cluster[slot] = clusterId;
        packetsSent++;
        bytesSent += sizeBytes;
    }

    /** The unwrapped value of a number a receiver reports, placed near the highest sent. */
    long unwrap(int transportSequenceNumber) {
        return unwrapper.peek(transportSequenceNumber);
    }

    /** Whether {@code unwrapped} was sent and is still in the ring. */
    boolean contains(long unwrapped) {
        return unwrapped >= 0 && sequence[(int) (unwrapped & MASK)] == unwrapped;
    }

    long sendMicros(long unwrapped) {
        return sendMicros[(int) (unwrapped & MASK)];
    }

    int size(long unwrapped) {
        return size[(int) (unwrapped & MASK)];
    }

    int cluster(long unwrapped) {
        return cluster[(int) (unwrapped & MASK)];
    }

    /** The highest unwrapped number sent, -1 before the first. */
    long highestSent() {
        return unwrapper.highest();
    }

    public long packetsSent() {
        return packetsSent;
    }

    public long bytesSent() {
        return bytesSent;
    }
}
