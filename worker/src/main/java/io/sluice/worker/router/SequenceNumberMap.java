package io.sluice.worker.router;

/**
 * A layered consumer's sequence numbers (mediasoup's SeqManager): the producer's numbers shifted
 * so that the receiver sees no hole where a packet was left out on purpose (a dropped temporal
 * layer) nor where another encoding's packets were skipped (RFC 3550 §5.1: the number grows by
 * one per packet sent). Each packet dropped in order shifts the following ones down by one; a late
 * packet (reordered, or repaired by RTX) gets the number it would have had in order, counting the
 * drops recorded after it. Runs on the router's loop; allocates nothing per packet.
 */
final class SequenceNumberMap {

    /** {@link #map}: the packet is too old to be numbered (before the last resync, or past the drops remembered). */
    static final int TOO_OLD = -1;

    private static final int REMEMBERED_DROPS = 256;

    /** Output = input + offset (mod 2^16) for a packet newer than every one seen. */
    private int offset;
    private int highestInput;
    /** The first input number of the current run (the resync point); older packets belong to another run. */
    private int firstInput;
    private final int[] drops = new int[REMEMBERED_DROPS];
    private int dropCount;
    private int nextDrop;

    /** The packet {@code input} starts a run (a switch, a resume) and goes out as {@code output}. */
    void resync(int input, int output) {
        offset = (output - input) & 0xFFFF;
        highestInput = (input - 1) & 0xFFFF;
        firstInput = input;
        dropCount = 0;
        nextDrop = 0;
    }

    /** The packet {@code input} is not forwarded: when in order, the packets after it move down. */
    void drop(int input) {
        if (!ConsumerSendStream.isNewer(input, highestInput)) {
            return;
        }
        highestInput = input;
        offset = (offset - 1) & 0xFFFF;
        drops[nextDrop] = input;
        nextDrop = (nextDrop + 1) % REMEMBERED_DROPS;
        dropCount = Math.min(dropCount + 1, REMEMBERED_DROPS);
    }

    /** The outgoing number of the forwarded packet {@code input}, or {@link #TOO_OLD}. */
    int map(int input) {
        if (ConsumerSendStream.isNewer(input, highestInput)) {
            highestInput = input;
            return (input + offset) & 0xFFFF;
        }
        if (input != firstInput && !ConsumerSendStream.isNewer(input, firstInput)) {
            return TOO_OLD;
        }
        int later = 0;
        for (int i = 0; i < dropCount; i++) {
            if (ConsumerSendStream.isNewer(drops[i], input)) {
                later++;
            }
        }
        if (later == REMEMBERED_DROPS) {
            return TOO_OLD;
        }
        return (input + offset + later) & 0xFFFF;
    }
}
