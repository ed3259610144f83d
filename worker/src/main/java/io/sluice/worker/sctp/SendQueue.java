package io.sluice.worker.sctp;

import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The sending half of an association: fragmentation (RFC 9260 §6.9), TSN and stream sequence
 * numbers (§6.5, §6.6), the retransmission queue with gap acks and fast retransmit (§6.2.1,
 * §7.2.4), congestion and flow control (§7.2, §6.1 rules A and B) and partial reliability (RFC
 * 3758 §3.5). Owns every payload given to it and releases each fragment once it is acknowledged
 * or abandoned.
 *
 * <p>TSNs are kept unwrapped as longs; {@link Serial} turns the wire's 32-bit values into them.
 */
final class SendQueue {

    /** Chunks transmitted at least once (or abandoned before), oldest TSN first, until cumulatively acked. */
    private final ArrayDeque<OutboundChunk> sent = new ArrayDeque<>();
    /** Chunks with a TSN that were never transmitted, in TSN order. */
    private final ArrayDeque<OutboundChunk> unsent = new ArrayDeque<>();
    private final SctpConfig config;
    private final int mtu;
    private int[] nextSequenceNumbers = new int[0];
    private long nextTsn;
    private long cumulativeTsnAck;
    private long advancedPeerAckPoint;
    private long flightBytes;
    private long peerReceiverWindow;
    private long congestionWindow;
    private long slowStartThreshold;
    private long partialBytesAcked;
    private boolean fastRecovery;
    private long fastRecoveryExit;
    private boolean fastRetransmitPending;
    private long bufferedBytes;
    private long rttProbeTsn = -1;
    private long rttProbeSentMillis;
    private boolean forwardTsnPending;

    SendQueue(SctpConfig config, long initialTsn) {
        this.config = config;
        this.mtu = config.mtu();
        this.nextTsn = initialTsn;
        this.cumulativeTsnAck = initialTsn - 1;
        this.advancedPeerAckPoint = cumulativeTsnAck;
        // §7.2.1: initial cwnd = min(4 * MTU, max(2 * MTU, 4380 bytes))
        this.congestionWindow = Math.min(4L * mtu, Math.max(2L * mtu, 4380));
    }

    /** Once the peer's INIT or INIT ACK is known: its window (§7.2.1: the initial ssthresh) and how many streams it takes. */
    void onPeerParameters(long peerWindow, int streams) {
        this.peerReceiverWindow = peerWindow;
        this.slowStartThreshold = peerWindow;
        this.nextSequenceNumbers = new int[streams];
    }

    int outboundStreams() {
        return nextSequenceNumbers.length;
    }

    /** Fragments {@code payload} (taken over) into chunks with consecutive TSNs (§6.9); ordered messages take the stream's next SSN. */
    void enqueue(int streamId, long payloadProtocolId, boolean unordered, Reliability reliability, ByteBuf payload,
            long nowMillis) {
        int length = payload.readableBytes();
        int sequenceNumber = unordered ? 0 : nextSequenceNumbers[streamId];
        if (!unordered) {
            nextSequenceNumbers[streamId] = (sequenceNumber + 1) & 0xffff;
        }
        OutboundMessage message = new OutboundMessage(streamId, sequenceNumber, payloadProtocolId, unordered,
                reliability, nowMillis, length);
        int fragment = config.maxFragmentBytes();
        int offset = 0;
        do {
            int size = Math.min(fragment, length - offset);
            boolean beginning = offset == 0;
            boolean ending = offset + size == length;
            ByteBuf slice = payload.retainedSlice(payload.readerIndex() + offset, size);
            unsent.add(new OutboundChunk(message, nextTsn++, DataChunk.flags(unordered, beginning, ending, false),
                    slice));
            message.unackedChunks++;
            offset += size;
        } while (offset < length);
        payload.release();
        bufferedBytes += length;
    }

    /** Outgoing SSN reset performed by the peer (RFC 6525 §5.1.4): the streams start at 0 again. */
    void resetSequenceNumbers(int[] streams) {
        for (int stream : streams) {
            if (stream < nextSequenceNumbers.length) {
                nextSequenceNumbers[stream] = 0;
            }
        }
    }

    /** The last TSN given to a chunk: an outgoing reset applies after it (RFC 6525 §4.1). */
    long lastAssignedTsn() {
        return nextTsn - 1;
    }

    /**
     * The next chunk to put in a packet with {@code room} bytes left: retransmissions first, then new
     * data while the congestion window and the peer's window allow (§6.1 A and B: one chunk may
     * probe a closed window when nothing is in flight). Null when nothing may go now. Marks it sent.
     */
    OutboundChunk nextToSend(long nowMillis, int room) {
        OutboundChunk retransmission = nextRetransmission(nowMillis, room);
        if (retransmission != null) {
            return markSent(retransmission, nowMillis);
        }
        while (!unsent.isEmpty()) {
            OutboundChunk chunk = unsent.peekFirst();
            if (!chunk.abandoned && chunk.message.shouldAbandon(chunk, nowMillis)) {
                abandon(chunk.message);
            }
            if (chunk.abandoned) {
                sent.add(unsent.pollFirst());
                advancePeerAckPoint();
                continue;
            }
            int size = DataChunk.HEADER_LENGTH + chunk.length;
            if (size > room || flightBytes >= congestionWindow) {
                return null;
            }
            if (chunk.length > peerReceiverWindow && flightBytes > 0) {
                return null;
            }
            sent.add(unsent.pollFirst());
            if (rttProbeTsn < 0) {
                rttProbeTsn = chunk.tsn;
                rttProbeSentMillis = nowMillis;
            }
            return markSent(chunk, nowMillis);
        }
        return null;
    }

    private OutboundChunk nextRetransmission(long nowMillis, int room) {
        boolean allowed = fastRetransmitPending || flightBytes < congestionWindow;
        for (OutboundChunk chunk : sent) {
            if (!chunk.markedForRetransmission || chunk.abandoned) {
                continue;
            }
            if (chunk.message.shouldAbandon(chunk, nowMillis)) {
                abandon(chunk.message);
                continue;
            }
            if (!allowed || DataChunk.HEADER_LENGTH + chunk.length > room) {
                return null;
            }
            chunk.markedForRetransmission = false;
            if (chunk.tsn == rttProbeTsn) {
                rttProbeTsn = -1; // Karn's rule (§6.3.1 C5): no sample from a retransmitted chunk
            }
            return chunk;
        }
        fastRetransmitPending = false;
        return null;
    }

    private OutboundChunk markSent(OutboundChunk chunk, long nowMillis) {
        chunk.transmissions++;
        chunk.lastSentMillis = nowMillis;
        chunk.inFlight = true;
        flightBytes += chunk.length;
        peerReceiverWindow = Math.max(0, peerReceiverWindow - chunk.length);
        return chunk;
    }

    /** Ends one packet: a fast retransmission goes out in one packet regardless of cwnd (§7.2.4 step 3), later ones wait. */
    void onPacketSent() {
        fastRetransmitPending = false;
    }

    /**
     * Applies a SACK (§6.2.1, §7.2). Returns the RTT measured, or -1. {@code cumulativeAck} is
     * the unwrapped cumulative TSN; gap offsets are relative to it.
     */
    long onSack(SackChunk sack, long cumulativeAck, long nowMillis) {
        if (cumulativeAck < cumulativeTsnAck) {
            return -1; // §6.2.1 D i: an old SACK, out of order
        }
        long flightBefore = flightBytes;
        boolean advanced = cumulativeAck > cumulativeTsnAck;
        long bytesAcked = 0;
        long rtt = -1;
        while (!sent.isEmpty() && sent.peekFirst().tsn <= cumulativeAck) {
            OutboundChunk chunk = sent.pollFirst();
            bytesAcked += acknowledge(chunk);
            if (chunk.tsn == rttProbeTsn) {
                if (chunk.transmissions == 1) {
                    rtt = nowMillis - rttProbeSentMillis;
                }
                rttProbeTsn = -1;
            }
        }
        cumulativeTsnAck = cumulativeAck;
        if (advancedPeerAckPoint < cumulativeTsnAck) {
            advancedPeerAckPoint = cumulativeTsnAck;
        }
        long highestGapAcked = -1;
        for (int i = 0; i < sack.gapStarts().length; i++) {
            long start = cumulativeAck + sack.gapStarts()[i];
            long end = cumulativeAck + sack.gapEnds()[i];
            for (OutboundChunk chunk : sent) {
                if (chunk.tsn > end) {
                    break;
                }
                if (chunk.tsn >= start && !chunk.gapAcked) {
                    bytesAcked += acknowledge(chunk);
                    chunk.gapAcked = true;
                    chunk.markedForRetransmission = false;
                }
            }
            highestGapAcked = Math.max(highestGapAcked, end);
        }
        countMissIndications(highestGapAcked);
        if (fastRecovery && cumulativeAck >= fastRecoveryExit) {
            fastRecovery = false;
        }
        if (advanced && !fastRecovery) {
            growCongestionWindow(bytesAcked, flightBefore);
        }
        peerReceiverWindow = Math.max(0, sack.advertisedReceiverWindow() - flightBytes);
        advancePeerAckPoint();
        return rtt;
    }

    private long acknowledge(OutboundChunk chunk) {
        long acked = 0;
        if (chunk.inFlight) {
            chunk.inFlight = false;
            flightBytes -= chunk.length;
            acked = chunk.length;
        }
        if (!chunk.gapAcked && !chunk.abandoned && --chunk.message.unackedChunks == 0) {
            bufferedBytes -= chunk.message.length;
        }
        chunk.releasePayload();
        return acked;
    }

    /** §7.2.4: a chunk reported missing by three SACKs is retransmitted at once; the first enters fast recovery. */
    private void countMissIndications(long highestGapAcked) {
        for (OutboundChunk chunk : sent) {
            if (chunk.tsn >= highestGapAcked) {
                break;
            }
            if (chunk.gapAcked || chunk.abandoned || chunk.markedForRetransmission || !chunk.inFlight) {
                continue;
            }
            if (++chunk.missIndications == 3) {
                chunk.missIndications = 0;
                markForRetransmission(chunk);
                fastRetransmitPending = true;
                if (!fastRecovery) {
                    fastRecovery = true;
                    fastRecoveryExit = highestOutstandingTsn();
                    slowStartThreshold = Math.max(congestionWindow / 2, 4L * mtu);
                    congestionWindow = slowStartThreshold;
                    partialBytesAcked = 0;
                }
            }
        }
    }

    /** §7.2.1 slow start and §7.2.2 congestion avoidance, only while the window was in use. */
    private void growCongestionWindow(long bytesAcked, long flightBefore) {
        boolean windowInUse = flightBefore + mtu >= congestionWindow;
        if (congestionWindow <= slowStartThreshold) {
            if (windowInUse) {
                congestionWindow += Math.min(bytesAcked, mtu);
            }
            return;
        }
        partialBytesAcked += bytesAcked;
        if (partialBytesAcked >= congestionWindow && windowInUse) {
            partialBytesAcked -= congestionWindow;
            congestionWindow += mtu;
        }
    }

    /** T3-rtx expiry (§6.3.3 E1, E3): collapse the window and retransmit everything outstanding. */
    void onRetransmissionTimeout(long nowMillis) {
        slowStartThreshold = Math.max(congestionWindow / 2, 4L * mtu);
        congestionWindow = mtu;
        partialBytesAcked = 0;
        fastRecovery = false;
        rttProbeTsn = -1;
        for (OutboundChunk chunk : sent) {
            if (chunk.inFlight && !chunk.gapAcked && !chunk.abandoned) {
                markForRetransmission(chunk);
            }
        }
        for (OutboundChunk chunk : sent) {
            if (chunk.markedForRetransmission && !chunk.abandoned && chunk.message.shouldAbandon(chunk, nowMillis)) {
                abandon(chunk.message);
            }
        }
        advancePeerAckPoint();
        if (advancedPeerAckPoint > cumulativeTsnAck) {
            forwardTsnPending = true; // RFC 3758 §3.5 C5: a lost FORWARD TSN goes again with the timer
        }
    }

    private void markForRetransmission(OutboundChunk chunk) {
        if (chunk.inFlight) {
            chunk.inFlight = false;
            flightBytes -= chunk.length;
        }
        chunk.markedForRetransmission = true;
    }

    /** RFC 3758 §3.5 A3: every fragment of the message goes, sent or not. */
    private void abandon(OutboundMessage message) {
        if (message.abandoned) {
            return;
        }
        message.abandoned = true;
        bufferedBytes -= message.length;
        abandonChunksOf(message, sent);
        abandonChunksOf(message, unsent);
    }

    private void abandonChunksOf(OutboundMessage message, ArrayDeque<OutboundChunk> chunks) {
        for (OutboundChunk chunk : chunks) {
            if (chunk.message == message && !chunk.gapAcked) {
                if (chunk.inFlight) {
                    chunk.inFlight = false;
                    flightBytes -= chunk.length;
                }
                chunk.abandoned = true;
                chunk.markedForRetransmission = false;
                chunk.releasePayload();
            }
        }
    }

    /**
     * RFC 3758 §3.5 C1-C2: move the Advanced.Peer.Ack.Point over the abandoned chunks next to it
     * (taking never-sent abandoned chunks into "sent" as it passes them), and say so with FORWARD TSN.
     */
    private void advancePeerAckPoint() {
        long before = advancedPeerAckPoint;
        for (OutboundChunk chunk : sent) {
            if (chunk.tsn <= advancedPeerAckPoint) {
                continue;
            }
            if (chunk.tsn != advancedPeerAckPoint + 1 || !chunk.abandoned) {
                break;
            }
            advancedPeerAckPoint = chunk.tsn;
        }
        while (sent.isEmpty() || sent.peekLast().tsn == advancedPeerAckPoint) {
            OutboundChunk next = unsent.peekFirst();
            if (next == null || !next.abandoned || next.tsn != advancedPeerAckPoint + 1) {
                break;
            }
            sent.add(unsent.pollFirst());
            advancedPeerAckPoint = next.tsn;
        }
        if (advancedPeerAckPoint > before && advancedPeerAckPoint > cumulativeTsnAck) {
            forwardTsnPending = true;
        }
    }

    /** The FORWARD TSN to send now (RFC 3758 §3.5 C4), or null. */
    ForwardTsnChunk takeForwardTsn() {
        if (!forwardTsnPending || advancedPeerAckPoint <= cumulativeTsnAck) {
            forwardTsnPending = false;
            return null;
        }
        forwardTsnPending = false;
        Map<Integer, Integer> skipped = new LinkedHashMap<>();
        for (OutboundChunk chunk : sent) {
            if (chunk.tsn > advancedPeerAckPoint) {
                break;
            }
            if (chunk.abandoned && !chunk.message.unordered) {
                skipped.put(chunk.message.streamId, chunk.message.streamSequenceNumber);
            }
        }
        int[] streams = new int[skipped.size()];
        int[] sequenceNumbers = new int[skipped.size()];
        int i = 0;
        for (Map.Entry<Integer, Integer> entry : skipped.entrySet()) {
            streams[i] = entry.getKey();
            sequenceNumbers[i++] = entry.getValue();
        }
        return new ForwardTsnChunk(advancedPeerAckPoint & 0xffffffffL, streams, sequenceNumbers);
    }

    boolean forwardTsnOutstanding() {
        return advancedPeerAckPoint > cumulativeTsnAck;
    }

    private long highestOutstandingTsn() {
        return sent.isEmpty() ? cumulativeTsnAck : sent.peekLast().tsn;
    }

    /** Whether a chunk waits for a SACK: T3-rtx runs while one does (§6.3.2 R1-R2). */
    boolean hasOutstanding() {
        return flightBytes > 0 || forwardTsnOutstanding() || hasMarked();
    }

    private boolean hasMarked() {
        for (OutboundChunk chunk : sent) {
            if (chunk.markedForRetransmission) {
                return true;
            }
        }
        return false;
    }

    /** Whether everything given to the queue has been acknowledged or abandoned and skipped: SHUTDOWN may go (§9.2). */
    boolean empty() {
        return unsent.isEmpty() && (sent.isEmpty() || sent.peekLast().tsn <= cumulativeTsnAck);
    }

    long cumulativeTsnAck() {
        return cumulativeTsnAck;
    }

    /** Bytes of messages not yet acknowledged nor abandoned. */
    long bufferedBytes() {
        return bufferedBytes;
    }

    long congestionWindow() {
        return congestionWindow;
    }

    long flightBytes() {
        return flightBytes;
    }

    /** Releases every payload still held (the association is gone). */
    void clear() {
        for (Iterator<OutboundChunk> it = sent.iterator(); it.hasNext();) {
            it.next().releasePayload();
            it.remove();
        }
        for (Iterator<OutboundChunk> it = unsent.iterator(); it.hasNext();) {
            it.next().releasePayload();
            it.remove();
        }
        flightBytes = 0;
        bufferedBytes = 0;
    }
}
