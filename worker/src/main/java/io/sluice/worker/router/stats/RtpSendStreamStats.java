package io.sluice.worker.router.stats;

import io.sluice.worker.rtcp.ReportBlock;
import io.sluice.worker.rtcp.SenderReport;
import java.util.List;

/**
 * What one outgoing RTP stream (a consumer's) sent, and what its receiver reports of it: packet
 * and octet counts and the timestamp of the last packet for our sender report (RFC 3550 §6.4.1),
 * the remote's loss and jitter from its reception report blocks, and the round-trip time they
 * give (§6.4.1: now - LSR - DLSR). The score follows mediasoup's RtpStreamSend: each report block
 * is one interval, packets sent in it against the loss the receiver counted in it.
 * One per consumer stream, on the router's loop; {@link #onPacketSent} allocates nothing.
 */
public final class RtpSendStreamStats {

    private final int clockRate;
    private final RateCalculator bitrate = new RateCalculator();
    private final StreamScore score = new StreamScore();
    private long packetCount;
    /** RFC 3550 §6.4.1 sender's octet count: payload octets only. */
    private long payloadOctets;
    private long byteCount;
    private boolean sentAny;
    private long lastTimestamp;
    private long lastSentAtMs;
    private long sentPriorScore;
    private long lostPriorScore;
    private boolean reportedAny;
    private int fractionLost;
    private long packetsLost;
    private long jitter;
    private double roundTripTimeMs;
    private long reportsReceived;

    public RtpSendStreamStats(int clockRate) {
        this.clockRate = clockRate;
        // Before any report the receiver is assumed fine (mediasoup starts a consumer at 10).
        score.reset(10);
    }

    /** One packet sent at {@code nowMs} (monotonic) with this RTP timestamp. */
    public void onPacketSent(long rtpTimestamp, int payloadLength, int length, long nowMs) {
        packetCount++;
        payloadOctets += payloadLength;
        byteCount += length;
        bitrate.add(length, nowMs);
        lastTimestamp = rtpTimestamp;
        lastSentAtMs = nowMs;
        sentAny = true;
    }

    /**
     * Our sender report (RFC 3550 §6.4.1), or null before the first packet: the NTP time of now,
     * the RTP timestamp that corresponds to it (the last packet's, advanced by the time since it
     * was sent at the codec clock rate), and the packet and payload octet counts (mod 2^32).
     */
    public SenderReport senderReport(long ssrc, long nowMs, long ntpTimestamp) {
        if (!sentAny) {
            return null;
        }
        long rtpTimestamp = (lastTimestamp + (nowMs - lastSentAtMs) * clockRate / 1000) & 0xFFFFFFFFL;
        return new SenderReport(ssrc, ntpTimestamp, rtpTimestamp, packetCount & 0xFFFFFFFFL,
                payloadOctets & 0xFFFFFFFFL, List.of());
    }

    /**
     * The receiver's report block about this stream arrived when the NTP clock read
     * {@code nowNtp}. Returns whether the score changed.
     */
    public boolean onReportBlock(ReportBlock block, long nowNtp) {
        reportsReceived++;
        fractionLost = block.fractionLost();
        packetsLost = block.totalLost();
        jitter = block.jitter();
        if (block.lastSenderReport() != 0) {
            // RFC 3550 §6.4.1: RTT = A - LSR - DLSR, all in 1/65536 s, modulo 2^32.
            long rtt = (NtpTime.compact(nowNtp) - block.lastSenderReport() - block.delaySinceLastSenderReport())
                    & 0xFFFFFFFFL;
            if (rtt < 0x80000000L) {
                roundTripTimeMs = NtpTime.compactToMillis(rtt);
            }
        }
        long sent = packetCount - sentPriorScore;
        sentPriorScore = packetCount;
        long totalLost = Math.max(0, block.totalLost());
        long lost = reportedAny && totalLost >= lostPriorScore ? totalLost - lostPriorScore : reportedAny ? 0 : totalLost;
        lostPriorScore = totalLost;
        reportedAny = true;
        return score.add(StreamScore.sample(sent, lost));
    }

    public long packetCount() {
        return packetCount;
    }

    public long byteCount() {
        return byteCount;
    }

    public long payloadOctets() {
        return payloadOctets;
    }

    public long bitrate(long nowMs) {
        return bitrate.bitsPerSecond(nowMs);
    }

    public int fractionLost() {
        return fractionLost;
    }

    public long packetsLost() {
        return packetsLost;
    }

    public long jitter() {
        return jitter;
    }

    public double roundTripTimeMs() {
        return roundTripTimeMs;
    }

    public long reportsReceived() {
        return reportsReceived;
    }

    public int score() {
        return score.score();
    }
}
