package io.sluice.worker.bwe;

/**
 * What a transport sent, per transport-wide sequence number
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01 §2): send time, size and the probe cluster
 * the packet belonged to, so that the receiver's feedback (§3.1), which reports only sequence
 * numbers and arrival times, can be turned into per-packet delay and loss. A preallocated ring
 * indexed by the unwrapped number, made with the first packet (a transport whose receiver
 * negotiated no transport-wide-cc never pays for it): nothing is allocated per packet, and a
 * number older than {@link #CAPACITY} packets is forgotten (its feedback came far too late to
 * matter: a receiver reports every 50 to 100 ms).
 */
public final class SentPacketHistory {

    /** Packets kept: 4096, 400 ms at 10 000 packets/s (100 Mbit/s), 4 s at 20 Mbit/s; 96 KiB. */
    public static final int CAPACITY = 1 << 12;
    private static final int MASK = CAPACITY - 1;
    /** {@link #onPacketSent}'s cluster id for a packet sent outside any probe cluster. */
    public static final int NO_CLUSTER = -1;

    private final SequenceUnwrapper unwrapper = new SequenceUnwrapper();
    private long[] sequence;
    private long[] sendMicros;
    private int[] size;
    private int[] cluster;
    private long packetsSent;
    private long bytesSent;

    /**
     * A packet with transport-wide number {@code transportSequenceNumber} and {@code sizeBytes}
     * bytes on the wire (RTP header, payload and padding; SRTP's tag is left out as libwebrtc
     * does) left at {@code nowMicros}, in probe cluster {@code clusterId} or {@link #NO_CLUSTER}.
     */
    public void onPacketSent(int transportSequenceNumber, int sizeBytes, int clusterId, long nowMicros) {
        if (sequence == null) {
            sequence = new long[CAPACITY];
            java.util.Arrays.fill(sequence, -1);
            sendMicros = new long[CAPACITY];
            size = new int[CAPACITY];
            cluster = new int[CAPACITY];
        }
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
        return unwrapped >= 0 && sequence != null && sequence[(int) (unwrapped & MASK)] == unwrapped;
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
