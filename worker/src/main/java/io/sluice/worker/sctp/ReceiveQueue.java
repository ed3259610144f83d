package io.sluice.worker.sctp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The receiving half of an association: which TSNs arrived (for the cumulative TSN, gap blocks and
 * duplicates of the SACK, §6.2, §3.3.4), reassembly of fragments (§6.9), ordered delivery per
 * stream by stream sequence number and unordered delivery at once (§6.6), the receive window
 * (§6.2.1), FORWARD TSN (RFC 3758 §3.6) and incoming stream resets (RFC 6525 §5.2.2).
 *
 * <p>Holds a retained slice of each fragment and each whole message waiting for an earlier one;
 * hands whole messages to the {@link Delivery}, which then owns them.
 */
final class ReceiveQueue {

    interface Delivery {
        void deliver(int streamId, long payloadProtocolId, ByteBuf payload);
    }

    private record Fragment(long tsn, int streamId, int streamSequenceNumber, long payloadProtocolId, int flags,
            ByteBuf data) {
        boolean beginning() {
            return (flags & DataChunk.FLAG_BEGINNING) != 0;
        }

        boolean ending() {
            return (flags & DataChunk.FLAG_ENDING) != 0;
        }

        boolean unordered() {
            return (flags & DataChunk.FLAG_UNORDERED) != 0;
        }

        boolean sameMessage(Fragment other) {
            return streamId == other.streamId && unordered() == other.unordered()
                    && (unordered() || streamSequenceNumber == other.streamSequenceNumber);
        }
    }

    /** SACK at most this many gap blocks and duplicates, so that a SACK fits any MTU. */
    private static final int MAX_REPORTED = 64;

    private final ByteBufAllocator allocator;
    private final int capacity;
    private final int maxMessageSize;
    private final Delivery delivery;
    private final TreeSet<Long> receivedAboveCumulative = new TreeSet<>();
    private final TreeMap<Long, Fragment> fragments = new TreeMap<>();
    private final Map<Integer, Integer> expectedSequenceNumbers = new HashMap<>();
    private final Map<Integer, Map<Integer, InboundMessage>> waiting = new HashMap<>();
    private final List<Long> duplicates = new ArrayList<>();
    private long cumulativeTsn;
    private long heldBytes;

    ReceiveQueue(ByteBufAllocator allocator, int capacity, int maxMessageSize, long peerInitialTsn,
            Delivery delivery) {
        this.allocator = allocator;
        this.capacity = capacity;
        this.maxMessageSize = maxMessageSize;
        this.cumulativeTsn = peerInitialTsn - 1;
        this.delivery = delivery;
    }

    /**
     * Takes the DATA chunk at {@code chunk}: false when it repeats one received before, or did not
     * fit the window and was dropped (§6.2: either way the SACK goes at once).
     */
    boolean onData(ByteBuf buf, int chunk) {
        long tsn = Serial.unwrap(DataChunk.tsn(buf, chunk), cumulativeTsn);
        if (tsn <= cumulativeTsn || receivedAboveCumulative.contains(tsn)) {
            if (duplicates.size() < MAX_REPORTED) {
                duplicates.add(tsn);
            }
            return false;
        }
        int length = DataChunk.userDataLength(buf, chunk);
        if (heldBytes + length > capacity && tsn != cumulativeTsn + 1) {
            return false; // §6.2: no room; the sender retransmits once the window opens
        }
        receivedAboveCumulative.add(tsn);
        advanceCumulativeTsn();
        Fragment fragment = new Fragment(tsn, DataChunk.streamId(buf, chunk), DataChunk.streamSequenceNumber(buf, chunk),
                DataChunk.payloadProtocolId(buf, chunk), SctpPacket.chunkFlags(buf, chunk),
                DataChunk.retainedUserData(buf, chunk));
        if (fragment.beginning() && fragment.ending()) {
            complete(fragment.streamId, fragment.streamSequenceNumber, fragment.payloadProtocolId, fragment.unordered(),
                    fragment.data);
        } else {
            fragments.put(tsn, fragment);
            heldBytes += length;
            reassemble(fragment);
        }
        return true;
    }

    private void advanceCumulativeTsn() {
        while (!receivedAboveCumulative.isEmpty() && receivedAboveCumulative.first() == cumulativeTsn + 1) {
            cumulativeTsn = receivedAboveCumulative.pollFirst();
        }
    }

    /** §6.9: fragments of one message have consecutive TSNs from the one marked B to the one marked E. */
    private void reassemble(Fragment arrived) {
        long first = arrived.tsn;
        Fragment at = arrived;
        while (!at.beginning()) {
            Fragment before = fragments.get(first - 1);
            if (before == null || !before.sameMessage(arrived)) {
                return;
            }
            at = before;
            first--;
        }
        long last = arrived.tsn;
        at = arrived;
        while (!at.ending()) {
            Fragment after = fragments.get(last + 1);
            if (after == null || !after.sameMessage(arrived)) {
                return;
            }
            at = after;
            last++;
        }
        NavigableMap<Long, Fragment> parts = fragments.subMap(first, true, last, true);
        int total = 0;
        for (Fragment part : parts.values()) {
            total += part.data.readableBytes();
        }
        ByteBuf message = allocator.buffer(total);
        for (Iterator<Fragment> it = parts.values().iterator(); it.hasNext();) {
            Fragment part = it.next();
            message.writeBytes(part.data);
            part.data.release();
            it.remove();
        }
        heldBytes -= total;
        if (total > maxMessageSize) {
            message.release(); // RFC 8841 §6: larger than announced; nothing sane to hand on
            return;
        }
        complete(arrived.streamId, arrived.streamSequenceNumber, arrived.payloadProtocolId, arrived.unordered(), message);
    }

    private void complete(int streamId, int sequenceNumber, long payloadProtocolId, boolean unordered, ByteBuf message) {
        if (unordered) {
            delivery.deliver(streamId, payloadProtocolId, message);
            return;
        }
        int expected = expectedSequenceNumbers.getOrDefault(streamId, 0);
        if (sequenceNumber != expected) {
            if (!Serial.after16(sequenceNumber, expected)) {
                message.release(); // already delivered or skipped by FORWARD TSN
                return;
            }
            waiting.computeIfAbsent(streamId, id -> new HashMap<>())
                    .put(sequenceNumber, new InboundMessage(streamId, sequenceNumber, payloadProtocolId, message));
            heldBytes += message.readableBytes();
            return;
        }
        delivery.deliver(streamId, payloadProtocolId, message);
        deliverWaiting(streamId, (expected + 1) & 0xffff);
    }

    private void deliverWaiting(int streamId, int expected) {
        Map<Integer, InboundMessage> stream = waiting.get(streamId);
        while (stream != null) {
            InboundMessage next = stream.remove(expected);
            if (next == null) {
                break;
            }
            heldBytes -= next.payload().readableBytes();
            delivery.deliver(streamId, next.payloadProtocolId(), next.payload());
            expected = (expected + 1) & 0xffff;
        }
        if (stream != null && stream.isEmpty()) {
            waiting.remove(streamId);
        }
        expectedSequenceNumbers.put(streamId, expected);
    }

    /**
     * RFC 3758 §3.6: the sender abandoned everything up to {@code newCumulativeTsn}: drop what is
     * held of it, and go on past the skipped sequence numbers of ordered streams.
     */
    void onForwardTsn(ForwardTsnChunk forward) {
        long newCumulative = Serial.unwrap(forward.newCumulativeTsn(), cumulativeTsn);
        if (newCumulative <= cumulativeTsn) {
            return;
        }
        cumulativeTsn = newCumulative;
        receivedAboveCumulative.headSet(newCumulative, true).clear();
        advanceCumulativeTsn();
        NavigableMap<Long, Fragment> abandoned = fragments.headMap(newCumulative, true);
        for (Fragment fragment : abandoned.values()) {
            heldBytes -= fragment.data.readableBytes();
            fragment.data.release();
        }
        abandoned.clear();
        for (int i = 0; i < forward.streams().length; i++) {
            int streamId = forward.streams()[i];
            int skipped = forward.sequenceNumbers()[i];
            int expected = expectedSequenceNumbers.getOrDefault(streamId, 0);
            if (skipped != expected && !Serial.after16(skipped, expected)) {
                continue;
            }
            Map<Integer, InboundMessage> stream = waiting.get(streamId);
            if (stream != null) {
                for (Iterator<InboundMessage> it = stream.values().iterator(); it.hasNext();) {
                    InboundMessage message = it.next();
                    if (!Serial.after16(message.streamSequenceNumber(), skipped)) {
                        heldBytes -= message.payload().readableBytes();
                        message.payload().release();
                        it.remove();
                    }
                }
            }
            deliverWaiting(streamId, (skipped + 1) & 0xffff);
        }
    }

    /** RFC 6525 §5.2.2: the peer's outgoing streams start again at sequence number 0. */
    void resetIncomingStreams(int[] streams) {
        for (int stream : streams) {
            expectedSequenceNumbers.remove(stream);
            Map<Integer, InboundMessage> held = waiting.remove(stream);
            if (held != null) {
                for (InboundMessage message : held.values()) {
                    heldBytes -= message.payload().readableBytes();
                    message.payload().release();
                }
            }
        }
    }

    /** Whether every TSN up to {@code wireTsn} has arrived (or was skipped). */
    boolean receivedThrough(long wireTsn) {
        return Serial.unwrap(wireTsn, cumulativeTsn) <= cumulativeTsn;
    }

    boolean hasGaps() {
        return !receivedAboveCumulative.isEmpty();
    }

    /** The SACK for what arrived so far (§6.2); reported duplicates are forgotten. */
    SackChunk sack() {
        List<int[]> blocks = new ArrayList<>();
        long runStart = -1;
        long runEnd = -1;
        for (long tsn : receivedAboveCumulative) {
            if (tsn == runEnd + 1) {
                runEnd = tsn;
                continue;
            }
            if (runStart >= 0) {
                blocks.add(new int[] {(int) (runStart - cumulativeTsn), (int) (runEnd - cumulativeTsn)});
            }
            runStart = tsn;
            runEnd = tsn;
            if (blocks.size() == MAX_REPORTED || tsn - cumulativeTsn > 0xffff) {
                runStart = -1;
                break;
            }
        }
        if (runStart >= 0) {
            blocks.add(new int[] {(int) (runStart - cumulativeTsn), (int) (runEnd - cumulativeTsn)});
        }
        int[] starts = new int[blocks.size()];
        int[] ends = new int[blocks.size()];
        for (int i = 0; i < blocks.size(); i++) {
            starts[i] = blocks.get(i)[0];
            ends[i] = blocks.get(i)[1];
        }
        long[] duplicateTsns = new long[duplicates.size()];
        for (int i = 0; i < duplicateTsns.length; i++) {
            duplicateTsns[i] = duplicates.get(i) & 0xffffffffL;
        }
        duplicates.clear();
        return new SackChunk(cumulativeTsn & 0xffffffffL, Math.max(0, capacity - heldBytes), starts, ends,
                duplicateTsns);
    }

    long cumulativeTsn() {
        return cumulativeTsn;
    }

    /** Releases everything held (the association is gone). */
    void clear() {
        for (Fragment fragment : fragments.values()) {
            fragment.data.release();
        }
        fragments.clear();
        for (Map<Integer, InboundMessage> stream : waiting.values()) {
            for (InboundMessage message : stream.values()) {
                message.payload().release();
            }
        }
        waiting.clear();
        heldBytes = 0;
    }
}
