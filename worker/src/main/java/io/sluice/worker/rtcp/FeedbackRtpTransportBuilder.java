package io.sluice.worker.rtcp;

import java.util.Arrays;

/**
 * Collects received transport-wide sequence numbers and their arrival times into one
 * {@link FeedbackRtpTransport} (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1), the
 * way a receiver does between two feedback packets. Sequence numbers are added in increasing
 * order (RFC 3550 §A.1 modular arithmetic); the gaps between them are reported as not received.
 * The reference time is the first arrival rounded down to 64 ms, and each delta is kept on the
 * absolute 250 µs grid so that rounding errors do not add up.
 *
 * <p>Reusable: {@link #reset} starts a new packet without allocating once the arrays have grown.
 */
public final class FeedbackRtpTransportBuilder {

    private static final int MAX_STATUS_COUNT = 0xffff;
    private static final int TICKS_PER_REFERENCE_UNIT =
            FeedbackRtpTransport.REFERENCE_TIME_UNIT_MICROS / FeedbackRtpTransport.DELTA_TICK_MICROS;

    private final int maxLength;
    private long senderSsrc;
    private long mediaSsrc;
    private int feedbackPacketCount;
    private int baseSequenceNumber = -1;
    private int lastSequenceNumber;
    private long referenceTime;
    private long lastTicks;
    private byte[] statuses = new byte[64];
    private int[] deltas = new int[64];
    private int count;
    private int deltaBytes;

    /** @param maxLength the largest packet to build, in bytes (at least 24) */
    public FeedbackRtpTransportBuilder(int maxLength) {
        if (maxLength < FeedbackRtpTransport.FIXED_LENGTH + 4) {
            throw new IllegalArgumentException("maxLength too small: " + maxLength);
        }
        this.maxLength = maxLength;
    }

    /** Starts a new, empty packet. */
    public void reset(long senderSsrc, long mediaSsrc, int feedbackPacketCount) {
        this.senderSsrc = senderSsrc;
        this.mediaSsrc = mediaSsrc;
        this.feedbackPacketCount = feedbackPacketCount & 0xff;
        baseSequenceNumber = -1;
        count = 0;
        deltaBytes = 0;
    }

    public boolean isEmpty() {
        return count == 0;
    }

    /**
     * Adds a received packet. Returns false, adding nothing, when {@code sequenceNumber} is not
     * after the last one added, when its delta does not fit 16 signed bits of 250 µs, or when
     * the packet would grow past the maximum length or status count: the caller then builds
     * this packet and adds the sequence number to the next one.
     */
    public boolean addReceived(int sequenceNumber, long arrivalMicros) {
        sequenceNumber &= 0xffff;
        long ticks = Math.floorDiv(arrivalMicros, FeedbackRtpTransport.DELTA_TICK_MICROS);
        if (baseSequenceNumber < 0) {
            baseSequenceNumber = sequenceNumber;
            lastSequenceNumber = sequenceNumber;
            referenceTime = Math.floorDiv(arrivalMicros, FeedbackRtpTransport.REFERENCE_TIME_UNIT_MICROS);
            lastTicks = referenceTime * TICKS_PER_REFERENCE_UNIT;
            append(ticks);
            return true;
        }
        int gap = (sequenceNumber - lastSequenceNumber) & 0xffff;
        long delta = ticks - lastTicks;
        if (gap == 0 || gap >= 0x8000 || count + gap > MAX_STATUS_COUNT
                || delta < Short.MIN_VALUE || delta > Short.MAX_VALUE) {
            return false;
        }
        int previousCount = count;
        int previousDeltaBytes = deltaBytes;
        long previousTicks = lastTicks;
        ensureCapacity(count + gap);
        Arrays.fill(statuses, count, count + gap - 1, (byte) FeedbackRtpTransport.NOT_RECEIVED);
        count += gap - 1;
        append(ticks);
        if (!fits()) {
            count = previousCount;
            deltaBytes = previousDeltaBytes;
            lastTicks = previousTicks;
            return false;
        }
        lastSequenceNumber = sequenceNumber;
        return true;
    }

    private void append(long ticks) {
        ensureCapacity(count + 1);
        int delta = (int) (ticks - lastTicks);
        boolean small = delta >= 0 && delta <= 0xff;
        statuses[count] = (byte) (small ? FeedbackRtpTransport.RECEIVED_SMALL_DELTA
                : FeedbackRtpTransport.RECEIVED_LARGE_DELTA);
        deltas[count] = delta;
        deltaBytes += small ? 1 : 2;
        count++;
        lastTicks = ticks;
    }

    // A cheap bound first (every 7 symbols in a chunk); the exact chunk count only near the limit.
    private boolean fits() {
        int bound = FeedbackRtpTransport.FIXED_LENGTH + 2 * ((count + 6) / 7) + deltaBytes;
        if (RtcpHeader.padToWords(bound) <= maxLength) {
            return true;
        }
        return RtcpHeader.padToWords(FeedbackRtpTransport.unpaddedLength(statuses, count)) <= maxLength;
    }

    private void ensureCapacity(int needed) {
        if (needed > statuses.length) {
            int size = Math.max(needed, statuses.length * 2);
            statuses = Arrays.copyOf(statuses, size);
            deltas = Arrays.copyOf(deltas, size);
        }
    }

    /** The packet so far; the builder keeps its content until {@link #reset}. */
    public FeedbackRtpTransport build() {
        if (count == 0) {
            throw new IllegalStateException("no packet added");
        }
        // Only 24 bits are sent: keep the signed value a receiver parses.
        int sentReferenceTime = (int) (referenceTime << 40 >> 40);
        return new FeedbackRtpTransport(senderSsrc, mediaSsrc, baseSequenceNumber, sentReferenceTime,
                feedbackPacketCount, Arrays.copyOf(statuses, count), Arrays.copyOf(deltas, count));
    }
}
