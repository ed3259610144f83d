package io.sluice.worker.router.stats;

import io.sluice.worker.rtcp.ReportBlock;

/**
 * What one incoming RTP stream (a producer's encoding) received: sequence tracking with an
 * extended highest sequence number (RFC 3550 A.1), expected and lost counts and the fraction lost
 * per report interval (A.3), interarrival jitter in RTP timestamp units (A.8), a bitrate over the
 * last second, and the last sender report, echoed as LSR/DLSR in our reception report block
 * (RFC 3550 §6.4.1). One per encoding, on the router's loop; {@link #onPacket} allocates nothing.
 */
public final class RtpReceiveStreamStats {

    /** RFC 3550 A.1: a jump forward larger than this is not a plain loss. */
    static final int MAX_DROPOUT = 3000;
    /** RFC 3550 A.1: packets this far behind the highest are taken as reordered (or duplicated). */
    static final int MAX_MISORDER = 100;
    private static final int SEQ_MOD = 1 << 16;

    private final int clockRate;
    private final RateCalculator bitrate = new RateCalculator();
    private final StreamScore score = new StreamScore();
    private final InputDelay inputDelay;
    private boolean started;
    private int maxSeq;
    /** Wraps of the sequence number, shifted (RFC 3550 A.1 "cycles"). */
    private long cycles;
    private long baseSeq;
    /** RFC 3550 A.1: the sequence number after a big jump; a packet that follows it restarts the count. */
    private int badSeq = SEQ_MOD + 1;
    private long packetsReceived;
    /** Packets counted since the base sequence number (RFC 3550 A.1 "received"); a restart clears it. */
    private long receivedSinceBase;
    private long bytesReceived;
    private long packetsDiscarded;
    private long expectedPrior;
    private long receivedPrior;
    private int fractionLost;
    private long lastTransit;
    private boolean haveTransit;
    /** RFC 3550 A.8: the running estimate, in timestamp units. */
    private double jitter;
    private long lastSenderReportCompact;
    private long lastSenderReportArrivalMs;
    private boolean haveSenderReport;
    private long pliCount;

    public RtpReceiveStreamStats(int clockRate) {
        this.clockRate = clockRate;
        this.inputDelay = new InputDelay(clockRate);
    }

    /**
     * One packet arrived at {@code nowMs} (a monotonic clock). Returns false for a packet RFC 3550
     * A.1 does not count (a jump too far, until confirmed by the packet after it).
     */
    public boolean onPacket(int sequenceNumber, long rtpTimestamp, int length, long nowMs) {
        if (!started) {
            restart(sequenceNumber);
            started = true;
        } else if (!updateSequence(sequenceNumber)) {
            packetsDiscarded++;
            return false;
        }
        packetsReceived++;
        receivedSinceBase++;
        bytesReceived += length;
        bitrate.add(length, nowMs);
        updateJitter(rtpTimestamp, nowMs);
        inputDelay.onPacket(rtpTimestamp, nowMs);
        return true;
    }

    private void restart(int sequenceNumber) {
        baseSeq = sequenceNumber;
        maxSeq = sequenceNumber;
        badSeq = SEQ_MOD + 1;
        cycles = 0;
        receivedSinceBase = 0;
        expectedPrior = 0;
        receivedPrior = 0;
    }

    /** RFC 3550 A.1 update_seq, without the probation of new sources. */
    private boolean updateSequence(int sequenceNumber) {
        int delta = (sequenceNumber - maxSeq) & 0xFFFF;
        if (delta < MAX_DROPOUT) {
            if (sequenceNumber < maxSeq) {
                cycles += SEQ_MOD;
            }
            maxSeq = sequenceNumber;
        } else if (delta <= SEQ_MOD - MAX_MISORDER) {
            if (sequenceNumber == badSeq) {
                // Two sequential packets after a jump: the sender restarted its numbering.
                restart(sequenceNumber);
            } else {
                badSeq = (sequenceNumber + 1) & 0xFFFF;
                return false;
            }
        }
        return true;
    }

    /**
     * RFC 3550 A.8: transit = arrival - timestamp, both in timestamp units;
     * J += (|D| - J) / 16 where D is the change in transit between consecutive packets.
     */
    private void updateJitter(long rtpTimestamp, long nowMs) {
        long arrival = nowMs * clockRate / 1000;
        long transit = arrival - rtpTimestamp;
        if (haveTransit) {
            // The 32-bit timestamp may wrap: the difference is taken modulo 2^32.
            int difference = (int) (transit - lastTransit);
            jitter += (Math.abs((long) difference) - jitter) / 16;
        }
        lastTransit = transit;
        haveTransit = true;
    }

    /** How long the last packet counted waited beyond the least wait seen lately ({@link InputDelay}), in ms. */
    public long inputDelayMs() {
        return inputDelay.delayMs();
    }

    /** A sender report for this stream arrived (RFC 3550 §6.4.1: kept to echo as LSR, and to time DLSR). */
    public void onSenderReport(long ntpTimestamp, long nowMs) {
        lastSenderReportCompact = NtpTime.compact(ntpTimestamp);
        lastSenderReportArrivalMs = nowMs;
        haveSenderReport = true;
    }

    public void onPliSent() {
        pliCount++;
    }

    /**
     * The reception report block for this stream (RFC 3550 §6.4.1, A.3), closing the current
     * interval: fraction lost counts since the previous block. Also adds the interval's sample to
     * the score (mediasoup RtpStreamRecv, with a penalty for jitter: StreamScore#receiveSample).
     * Returns null before the first packet.
     */
    public ReportBlock reportBlock(long ssrc, long nowMs) {
        if (!started) {
            return null;
        }
        long expected = expectedPackets();
        long expectedInterval = expected - expectedPrior;
        long receivedInterval = receivedSinceBase - receivedPrior;
        long lostInterval = expectedInterval - receivedInterval;
        expectedPrior = expected;
        receivedPrior = receivedSinceBase;
        fractionLost = expectedInterval == 0 || lostInterval <= 0 ? 0 : (int) ((lostInterval << 8) / expectedInterval);
        if (receivedInterval == 0) {
            // Nothing arrived for a whole interval: the stream is inactive (mediasoup resets it to 0).
            score.reset(0);
        } else {
            score.add(StreamScore.receiveSample(receivedInterval, lostInterval, jitterMs()));
        }
        long lsr = haveSenderReport ? lastSenderReportCompact : 0;
        long dlsr = haveSenderReport ? NtpTime.millisToCompact(nowMs - lastSenderReportArrivalMs) : 0;
        return new ReportBlock(ssrc, fractionLost, clampTo24Bits(packetsLost()), extendedHighestSequenceNumber() & 0xFFFFFFFFL,
                jitter(), lsr, dlsr);
    }

    /** RFC 3550 A.3: the cumulative loss is carried in a signed 24-bit field, clamped. */
    static int clampTo24Bits(long lost) {
        return (int) Math.max(-0x800000, Math.min(0x7FFFFF, lost));
    }

    public long extendedHighestSequenceNumber() {
        return cycles + maxSeq;
    }

    /** RFC 3550 A.3: extended highest minus the base, plus one. */
    public long expectedPackets() {
        return started ? extendedHighestSequenceNumber() - baseSeq + 1 : 0;
    }

    /** Expected minus received; negative with duplicates (RFC 3550 §6.4.1). */
    public long packetsLost() {
        return expectedPackets() - receivedSinceBase;
    }

    public long packetsReceived() {
        return packetsReceived;
    }

    public long bytesReceived() {
        return bytesReceived;
    }

    public long packetsDiscarded() {
        return packetsDiscarded;
    }

    /** The fraction lost in the last closed interval, in 1/256. */
    public int fractionLost() {
        return fractionLost;
    }

    /** Interarrival jitter in milliseconds. */
    public double jitterMs() {
        return clockRate <= 0 ? 0 : jitter * 1000 / clockRate;
    }

    /** Interarrival jitter in RTP timestamp units, as reported (RFC 3550 §6.4.1). */
    public long jitter() {
        return (long) jitter;
    }

    public long bitrate(long nowMs) {
        return bitrate.bitsPerSecond(nowMs);
    }

    public int score() {
        return score.score();
    }

    /** Whether the score was computed from reports yet (not since the stream went inactive). */
    public boolean scored() {
        return score.hasSamples();
    }

    public long pliCount() {
        return pliCount;
    }

    public int clockRate() {
        return clockRate;
    }
}
