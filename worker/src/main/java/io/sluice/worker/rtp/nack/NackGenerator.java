package io.sluice.worker.rtp.nack;

import io.sluice.worker.time.Clock;


/**
 * Finds the packets missing from one received RTP stream and decides when to ask for each again
 * with a generic NACK (RFC 4585 §6.2.1), as mediasoup's NackGenerator and libwebrtc's NackRequester
 * do. Sequence numbers are extended to 64 bits as in RFC 3550 §A.1 (wraparound counted in
 * cycles), so a gap across 65535 → 0 is one gap. A missing packet is first asked for
 * {@link #REORDER_DELAY_MS} after its gap was seen (a packet merely reordered arrives before that
 * and costs no NACK), then again every RTT, at most {@link #MAX_NACK_RETRIES} times. The list is
 * bounded: past {@link #MAX_NACK_PACKETS} missing packets, or a gap wider than that, the oldest go
 * and a key frame is asked for instead; a key frame makes everything older than it useless.
 *
 * <p>Nothing is allocated per packet: the missing packets live in a ring of fixed arrays in
 * increasing extended sequence order. Not thread-safe: one event loop owns it.
 */
public final class NackGenerator {

    /** What the generator asks of its stream's owner. */
    public interface Listener {
        /**
         * Ask the sender for these sequence numbers again (16-bit, in RTP order):
         * {@code sequenceNumbers[0..count)} is only valid during the call.
         */
        void onNackRequired(int[] sequenceNumbers, int count);

        /** Too much was lost to repair packet by packet: ask the sender for a key frame. */
        void onKeyFrameRequired();
    }

    /** mediasoup's MaxNackPackets: missing packets tracked at once. */
    public static final int MAX_NACK_PACKETS = 1000;
    /** mediasoup's MaxNackRetries: NACKs sent for one packet before giving up on it. */
    public static final int MAX_NACK_RETRIES = 10;
    /** RTT assumed until one is measured (mediasoup's DefaultRtt). */
    public static final long DEFAULT_RTT_MS = 100;
    /** Wait after a gap is seen before its first NACK, so reordering is not taken for loss. */
    public static final long REORDER_DELAY_MS = 10;
    /** Packets further behind the newest than this are too old to be worth repairing. */
    public static final int MAX_PACKET_AGE = 10_000;

    private static final int SEQUENCE_MOD = 1 << 16;

    private final Clock clock;
    private final Listener listener;
    /** Ring of missing packets, oldest first: extended sequence, next send time, NACKs sent. */
    private final long[] missing = new long[MAX_NACK_PACKETS];
    private final long[] dueAtMs = new long[MAX_NACK_PACKETS];
    private final int[] retries = new int[MAX_NACK_PACKETS];
    /** Cleared when the packet arrived late or by RTX; the slot stays until it reaches the head. */
    private final boolean[] live = new boolean[MAX_NACK_PACKETS];
    private final int[] batch = new int[MAX_NACK_PACKETS];
    private int head;
    private int size;
    private int liveCount;
    private boolean started;
    private long highest;
    private long rttMs = DEFAULT_RTT_MS;
    /** No NACK is due before this (it may be early, never late): most packets skip the scan. */
    private long earliestDueMs = Long.MAX_VALUE;
    private long nacksRequested;
    private long recovered;
    private long givenUp;
    private long keyFramesRequested;

    public NackGenerator(Clock clock, Listener listener) {
        this.clock = clock;
        this.listener = listener;
    }

    /**
     * One packet of the stream arrived with {@code sequenceNumber} (16-bit). Returns true when it
     * was missing and is now recovered (late, or restored from RTX). NACKs now due are sent.
     */
    public boolean receive(int sequenceNumber, boolean keyFrame) {
        long now = clock.monotonicMillis();
        boolean wasMissing = false;
        long extended;
        if (!started) {
            started = true;
            extended = sequenceNumber & 0xFFFF;
            highest = extended;
        } else {
            extended = extend(sequenceNumber & 0xFFFF);
            if (extended > highest) {
                addMissing(highest + 1, extended, now);
                highest = extended;
            } else if (extended < highest) {
                wasMissing = markRecovered(extended);
            }
        }
        if (keyFrame) {
            // A decoder restarting from this key frame needs nothing sent before it.
            dropOlderThan(extended);
        }
        dropOlderThan(highest - MAX_PACKET_AGE);
        onTimer();
        return wasMissing;
    }

    /** Sends the NACKs whose time has come; call it periodically, even when no packet arrives. */
    public void onTimer() {
        if (liveCount == 0) {
            compact();
            return;
        }
        long now = clock.monotonicMillis();
        if (now < earliestDueMs) {
            return;
        }
        int count = 0;
        long nextDue = Long.MAX_VALUE;
        for (int i = 0; i < size; i++) {
            int slot = slot(i);
            if (!live[slot]) {
                continue;
            }
            if (dueAtMs[slot] > now) {
                nextDue = Math.min(nextDue, dueAtMs[slot]);
                continue;
            }
            batch[count++] = (int) (missing[slot] & 0xFFFF);
            retries[slot]++;
            dueAtMs[slot] = now + rttMs;
            if (retries[slot] >= MAX_NACK_RETRIES) {
                // The last NACK goes out now; nothing more will be asked for this packet.
                live[slot] = false;
                liveCount--;
                givenUp++;
            } else {
                nextDue = Math.min(nextDue, dueAtMs[slot]);
            }
        }
        earliestDueMs = nextDue;
        compact();
        if (count > 0) {
            nacksRequested += count;
            listener.onNackRequired(batch, count);
        }
    }

    /** The earliest time a NACK is due, or {@link Long#MAX_VALUE} when nothing is missing. */
    public long nextDueMs() {
        long next = Long.MAX_VALUE;
        for (int i = 0; i < size; i++) {
            int slot = slot(i);
            if (live[slot] && dueAtMs[slot] < next) {
                next = dueAtMs[slot];
            }
        }
        return next;
    }

    /** The round-trip time to the sender, when known: NACK retries are spaced by it. */
    public void setRttMs(long rttMs) {
        this.rttMs = Math.max(1, rttMs);
    }

    /** Packets currently missing and still asked for. */
    public int missingCount() {
        return liveCount;
    }

    /** Sequence numbers put in NACKs so far (each retry counts again). */
    public long nacksRequested() {
        return nacksRequested;
    }

    /** Missing packets that arrived after all. */
    public long recovered() {
        return recovered;
    }

    /** Missing packets given up on (retries exhausted, too old, flushed by a key frame or overflow). */
    public long givenUp() {
        return givenUp;
    }

    public long keyFramesRequested() {
        return keyFramesRequested;
    }

    /** Forgets the stream (its sender restarted numbering): the next packet starts it afresh. */
    public void reset() {
        head = 0;
        size = 0;
        liveCount = 0;
        started = false;
        earliestDueMs = Long.MAX_VALUE;
    }

    /** RFC 3550 §A.1: the extended sequence number nearest to the highest seen. */
    private long extend(int sequenceNumber) {
        int delta = (sequenceNumber - (int) (highest & 0xFFFF)) & 0xFFFF;
        if (delta >= SEQUENCE_MOD / 2) {
            delta -= SEQUENCE_MOD;
        }
        return highest + delta;
    }

    private void addMissing(long from, long toExclusive, long now) {
        long gap = toExclusive - from;
        if (gap <= 0) {
            return;
        }
        if (gap > MAX_NACK_PACKETS) {
            // More lost than can be repaired one by one: start over from a key frame.
            dropOlderThan(Long.MAX_VALUE);
            requestKeyFrame();
            return;
        }
        boolean overflowed = false;
        for (long sequence = from; sequence < toExclusive; sequence++) {
            if (size == MAX_NACK_PACKETS) {
                overflowed |= removeHead();
            }
            int slot = slot(size++);
            missing[slot] = sequence;
            dueAtMs[slot] = now + REORDER_DELAY_MS;
            retries[slot] = 0;
            live[slot] = true;
            liveCount++;
        }
        earliestDueMs = Math.min(earliestDueMs, now + REORDER_DELAY_MS);
        if (overflowed) {
            requestKeyFrame();
        }
    }

    private boolean markRecovered(long extended) {
        int low = 0;
        int high = size - 1;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            long value = missing[slot(middle)];
            if (value < extended) {
                low = middle + 1;
            } else if (value > extended) {
                high = middle - 1;
            } else {
                int slot = slot(middle);
                if (!live[slot]) {
                    return false;
                }
                live[slot] = false;
                liveCount--;
                recovered++;
                compact();
                return true;
            }
        }
        return false;
    }

    private void dropOlderThan(long extended) {
        while (size > 0 && missing[head] < extended) {
            removeHead();
        }
    }

    /** Removes the oldest entry; returns whether it was still asked for. */
    private boolean removeHead() {
        boolean wasLive = live[head];
        if (wasLive) {
            live[head] = false;
            liveCount--;
            givenUp++;
        }
        head = (head + 1) % MAX_NACK_PACKETS;
        size--;
        return wasLive;
    }

    private void compact() {
        while (size > 0 && !live[head]) {
            removeHead();
        }
    }

    private void requestKeyFrame() {
        keyFramesRequested++;
        listener.onKeyFrameRequired();
    }

    private int slot(int index) {
        return (head + index) % MAX_NACK_PACKETS;
    }
}
