package io.sluice.worker.bwe;

import io.sluice.worker.rtcp.FeedbackRtpTransport;

/**
 * Turns one transport-cc feedback packet (draft-holmer-rmcat-transport-wide-cc-extensions-01
 * §3.1) into per-packet results: for every packet the feedback accounts for, its send time and
 * size from the {@link SentPacketHistory}, and its arrival time on the receiver's clock or
 * {@link #LOST}. Arrival times run on one continuous line across feedback packets: the 24-bit
 * reference time (64 ms units, §3.1) is unwrapped from one feedback to the next, and the receive
 * deltas (250 µs, §3.1.5) add up from it. Numbers skipped between two feedback packets (a receiver
 * starts each packet at its first arrival) count as lost, numbers already reported are not
 * counted twice. The result arrays are reused: nothing is allocated per feedback unless one
 * reports more packets than ever before.
 */
final class TransportFeedbackAdapter {

    static final long LOST = Long.MIN_VALUE;
    private static final int REFERENCE_TIME_MODULO = 1 << 24;
    /** A gap this large between feedback packets is a restart, not loss. */
    private static final int MAX_GAP = 1 << 12;

    private final SentPacketHistory history;
    private boolean hasReference;
    private int lastReferenceTime;
    private long referenceMicros;
    private long highestReported = -1;

    private int count;
    private long[] sendMicros = new long[256];
    private long[] arrivalMicros = new long[256];
    private int[] size = new int[256];
    private int[] cluster = new int[256];
    private int lost;
    private long latestReceivedSendMicros;

    TransportFeedbackAdapter(SentPacketHistory history) {
        this.history = history;
    }

    /**
     * Reads {@code feedback}; returns the number of results (0 when it told nothing new). The
     * results are in sequence number order.
     */
    int adapt(FeedbackRtpTransport feedback) {
        count = 0;
        lost = 0;
        latestReceivedSendMicros = LOST;
        long base = history.unwrap(feedback.baseSequenceNumber());
        long deltaTicks = 0;
        long arrivalBase = advanceReference(feedback.referenceTime());
        if (highestReported >= 0 && base > highestReported + 1 && base - highestReported <= MAX_GAP) {
            for (long missing = highestReported + 1; missing < base; missing++) {
                addIfSent(missing, LOST);
            }
        }
        for (int i = 0; i < feedback.packetStatusCount(); i++) {
            long unwrapped = base + i;
            long arrival = LOST;
            if (feedback.isReceived(i)) {
                deltaTicks += feedback.receiveDeltaTicks(i);
                arrival = arrivalBase + deltaTicks * FeedbackRtpTransport.DELTA_TICK_MICROS;
            }
            if (unwrapped > highestReported) {
                addIfSent(unwrapped, arrival);
            }
        }
        long last = base + feedback.packetStatusCount() - 1;
        if (feedback.packetStatusCount() > 0 && last > highestReported) {
            highestReported = last;
        }
        return count;
    }

    /** §3.1: the reference time is a signed 24-bit count; consecutive packets differ by little. */
    private long advanceReference(int referenceTime) {
        int reference = referenceTime & (REFERENCE_TIME_MODULO - 1);
        if (!hasReference) {
            hasReference = true;
            referenceMicros = (long) referenceTime * FeedbackRtpTransport.REFERENCE_TIME_UNIT_MICROS;
        } else {
            int delta = (reference - lastReferenceTime) & (REFERENCE_TIME_MODULO - 1);
            if (delta >= REFERENCE_TIME_MODULO / 2) {
                delta -= REFERENCE_TIME_MODULO;
            }
            referenceMicros += (long) delta * FeedbackRtpTransport.REFERENCE_TIME_UNIT_MICROS;
        }
        lastReferenceTime = reference;
        return referenceMicros;
    }

    private void addIfSent(long unwrapped, long arrival) {
        if (!history.contains(unwrapped)) {
            return;
        }
        ensureCapacity(count + 1);
        long sent = history.sendMicros(unwrapped);
        sendMicros[count] = sent;
        arrivalMicros[count] = arrival;
        size[count] = history.size(unwrapped);
        cluster[count] = history.cluster(unwrapped);
        if (arrival == LOST) {
            lost++;
        } else if (sent > latestReceivedSendMicros) {
            latestReceivedSendMicros = sent;
        }
        count++;
    }

    private void ensureCapacity(int needed) {
        if (needed > sendMicros.length) {
            int length = Math.max(needed, sendMicros.length * 2);
            sendMicros = java.util.Arrays.copyOf(sendMicros, length);
            arrivalMicros = java.util.Arrays.copyOf(arrivalMicros, length);
            size = java.util.Arrays.copyOf(size, length);
            cluster = java.util.Arrays.copyOf(cluster, length);
        }
    }

    int count() {
        return count;
    }

    long sendMicros(int i) {
        return sendMicros[i];
    }

    /** On the receiver's clock, continuous across feedback packets; {@link #LOST} when not received. */
    long arrivalMicros(int i) {
        return arrivalMicros[i];
    }

    int size(int i) {
        return size[i];
    }

    int cluster(int i) {
        return cluster[i];
    }

    int lost() {
        return lost;
    }

    /** The send time of the most recently sent packet reported received, {@link #LOST} when none. */
    long latestReceivedSendMicros() {
        return latestReceivedSendMicros;
    }
}
