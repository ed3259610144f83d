package io.sluice.worker.router;

import io.sluice.worker.router.stats.RtpReceiveStreamStats;
import io.sluice.worker.rtcp.FeedbackPsPli;
import io.sluice.worker.rtcp.FeedbackRtpNack;
import io.sluice.worker.rtcp.RtcpPacket;
import io.sluice.worker.rtcp.SenderReport;
import io.sluice.worker.rtp.RtpPacket;
import io.sluice.worker.rtp.Rtx;
import io.sluice.worker.rtp.nack.NackGenerator;
import io.sluice.worker.time.Clock;
import java.util.Arrays;

/**
 * One encoding a producer receives (mediasoup's RtpStreamRecv): its SSRCs (learned from the rid
 * or MID when not signalled), sequence tracking, loss and jitter with the score
 * ({@link RtpReceiveStreamStats}), NACK generation towards the sender (RFC 4585 §6.2.1) when NACK
 * was negotiated, the RTX counters, the last sender report's NTP/RTP pair, the key frames seen and
 * requested (RFC 4585 §6.3.1 PLI, throttled), and whether it is sending. The RTCP it wants sent
 * goes to its {@link Listener} (the producer), which owns the transport.
 *
 * <p>Everything is allocated when the stream is created; {@link #onPacket} and
 * {@link #acceptSequenceNumber} allocate nothing. Runs on the router's loop.
 */
final class RtpStreamRecv implements NackGenerator.Listener {

    /** What a receive stream asks of its producer. */
    interface Listener {
        /** Send this feedback about the stream to its sender (a PLI or a NACK). */
        void onRtpStreamSendRtcp(RtpStreamRecv stream, RtcpPacket feedback);

        /** Too much was lost to repair by NACK: the sender should send a key frame. */
        void onRtpStreamKeyFrameNeeded(RtpStreamRecv stream);
    }

    /** A stream that sent nothing for this long counts as stopped (mediasoup: its score falls to 0). */
    static final long INACTIVE_AFTER_MS = 1000;
    /** A throttle on key-frame requests towards the sender (at most one per stream per interval). */
    static final long KEY_FRAME_REQUEST_INTERVAL_MS = 1000;
    /** Lost sequence numbers per NACK packet: at most this many FCI words, well under an MTU. */
    static final int MAX_LOST_PER_NACK = 200;

    private final int index;
    private final String rid;
    private final long mappedSsrc;
    /** Whether key frames are requested and recognized (video: payloads are parsed). */
    private final boolean video;
    private final Listener listener;
    private final Clock clock;
    private final RtpReceiveStreamStats stats;
    /** Null when the sender did not offer NACK. */
    private final NackGenerator nackGenerator;
    /** Incoming SSRC, -1 until learned from the rid or MID. */
    private long ssrc;
    /** RTX SSRC, -1 for none (or until learned from the repaired rid). */
    private long rtxSsrc;
    private long rtxPacketsReceived;
    private long packetsRepaired;
    private long nacksSent;
    private long nackedPackets;
    private long lastKeyFrameRequestMs = Long.MIN_VALUE;
    private long lastKeyFrameMs = Long.MIN_VALUE;
    /** A request arrived within the interval after the last one was answered: send it when the interval ends. */
    private boolean keyFrameRequestPending;
    /** The last request may be repeated once if no key frame answers it within the interval. */
    private boolean keyFrameRetryDue;
    private long lastPacketMs;
    private boolean active;
    /** The last sender report: NTP time in ms and RTP timestamp (RFC 3550 §6.4.1). */
    private long senderReportNtpMs;
    private long senderReportRtpTimestamp;
    private boolean haveSenderReport;

    /**
     * @param ssrc the signalled SSRC, -1 to learn it
     * @param rtxSsrc the signalled RTX SSRC, -1 for none or to learn it
     * @param nack whether the sender offered generic NACK (RFC 4585 §4.2)
     */
    RtpStreamRecv(int index, String rid, long ssrc, long mappedSsrc, long rtxSsrc, int clockRate, boolean video,
            boolean nack, Clock clock, Listener listener) {
        this.index = index;
        this.rid = rid;
        this.ssrc = ssrc;
        this.mappedSsrc = mappedSsrc;
        this.rtxSsrc = rtxSsrc;
        this.video = video;
        this.clock = clock;
        this.listener = listener;
        this.stats = new RtpReceiveStreamStats(clockRate);
        this.nackGenerator = nack ? new NackGenerator(clock, this) : null;
    }

    /** The encoding's index in the producer's encodings. */
    int index() {
        return index;
    }

    /** The rid (RFC 8852), empty when the encoding has none. */
    String rid() {
        return rid;
    }

    /** The incoming SSRC, -1 until learned. */
    long ssrc() {
        return ssrc;
    }

    /** Takes the SSRC the encoding's rid or MID named in its first packet. */
    void learnSsrc(long learned) {
        ssrc = learned;
    }

    /** The RTX SSRC, -1 for none. */
    long rtxSsrc() {
        return rtxSsrc;
    }

    /** Takes the RTX SSRC named by a RepairedRtpStreamId (RFC 8852 §3.2). */
    void learnRtxSsrc(long learned) {
        rtxSsrc = learned;
    }

    /** The SSRC consumers see. */
    long mappedSsrc() {
        return mappedSsrc;
    }

    RtpReceiveStreamStats stats() {
        return stats;
    }

    /** One packet of this stream arrived (restored already when it came by RTX): the statistics count it. */
    void onPacket(RtpPacket packet, long nowMs) {
        stats.onPacket(packet.sequenceNumber(), packet.timestamp(), packet.length(), nowMs);
    }

    /** A packet with a known payload type arrived: it keeps the stream counted as sending. */
    void onMediaPacket(long nowMs) {
        lastPacketMs = nowMs;
    }

    /**
     * A packet of this stream was forwarded; returns true when the stream was not counted as
     * sending before (its listener should hear that it started).
     */
    boolean markActive() {
        if (active) {
            return false;
        }
        active = true;
        return true;
    }

    /**
     * An RTX packet (RFC 4588 §4) from this stream's RTX SSRC: restores the original in place with
     * {@code associatedPayloadTypes} (the RTX codecs' apt, -1 for none). Returns false when it cannot
     * be restored (no OSN, unknown payload type, media SSRC not yet known).
     */
    boolean restoreRtx(RtpPacket packet, int[] associatedPayloadTypes) {
        rtxPacketsReceived++;
        int originalPayloadType = associatedPayloadTypes[packet.payloadType()];
        return originalPayloadType >= 0 && ssrc >= 0 && Rtx.restoreInPlace(packet, originalPayloadType, ssrc);
    }

    /**
     * Tells the NACK generator about {@code sequenceNumber} (restored from RTX when {@code fromRtx}).
     * Returns false when the packet should be dropped: a retransmission of a packet that was not
     * missing, so consumers see each sequence number once.
     */
    boolean acceptSequenceNumber(int sequenceNumber, boolean fromRtx) {
        if (nackGenerator == null) {
            return true;
        }
        boolean wasMissing = nackGenerator.receive(sequenceNumber, false);
        if (fromRtx && !wasMissing) {
            return false;
        }
        if (wasMissing) {
            packetsRepaired++;
        }
        return true;
    }

    @Override
    public void onNackRequired(int[] sequenceNumbers, int count) {
        for (int from = 0; from < count; from += MAX_LOST_PER_NACK) {
            int[] lost = Arrays.copyOfRange(sequenceNumbers, from, Math.min(count, from + MAX_LOST_PER_NACK));
            nacksSent++;
            nackedPackets += lost.length;
            // RFC 4585 §6.1: the media source is the SSRC the sender sends the stream with.
            listener.onRtpStreamSendRtcp(this, FeedbackRtpNack.ofLostSequenceNumbers(0, ssrc, lost));
        }
    }

    @Override
    public void onKeyFrameRequired() {
        listener.onRtpStreamKeyFrameNeeded(this);
    }

    /** NACK retries due while no packet arrives. */
    void onNackTimer() {
        if (nackGenerator != null) {
            nackGenerator.onTimer();
        }
    }

    /**
     * The round-trip time to the sender, when known: NACK retries for one packet come no faster
     * than this (RFC 4585 §3.2: a repair takes at least an RTT).
     */
    void setRttMs(long rttMs) {
        if (nackGenerator != null) {
            nackGenerator.setRttMs(rttMs);
        }
    }

    /** A key frame of this stream arrived: it answers the requests sent so far. */
    void onKeyFrame(long nowMs) {
        lastKeyFrameMs = nowMs;
        keyFrameRequestPending = false;
    }

    /**
     * Asks the sender for a key frame with a PLI (RFC 4585 §6.3.1), at most once per
     * {@link #KEY_FRAME_REQUEST_INTERVAL_MS}. A request within the interval is not lost: while the
     * key frame asked for last has not arrived, it answers this request too; once it has, the new
     * request is sent when the interval ends, unless another key frame comes first. Nothing for
     * audio, or while the SSRC is unknown.
     */
    void requestKeyFrame() {
        if (!video || ssrc < 0) {
            return;
        }
        long now = clock.monotonicMillis();
        if (lastKeyFrameRequestMs != Long.MIN_VALUE && now - lastKeyFrameRequestMs < KEY_FRAME_REQUEST_INTERVAL_MS) {
            if (keyFrameAnswered()) {
                keyFrameRequestPending = true;
            }
            return;
        }
        sendKeyFrameRequest(now);
        keyFrameRetryDue = true;
    }

    /** Whether a key frame arrived since the last request went out. */
    private boolean keyFrameAnswered() {
        return lastKeyFrameMs != Long.MIN_VALUE && lastKeyFrameMs >= lastKeyFrameRequestMs;
    }

    /**
     * A deferred or repeated key-frame request whose interval has ended: a request held back by the
     * throttle after the last one was answered, or one retry of a request no key frame answered
     * (a PLI can be lost).
     */
    void onKeyFrameRequestTimer() {
        long now = clock.monotonicMillis();
        if (!video || ssrc < 0 || lastKeyFrameRequestMs == Long.MIN_VALUE
                || now - lastKeyFrameRequestMs < KEY_FRAME_REQUEST_INTERVAL_MS) {
            return;
        }
        if (keyFrameRequestPending) {
            keyFrameRequestPending = false;
            sendKeyFrameRequest(now);
            keyFrameRetryDue = true;
        } else if (keyFrameRetryDue) {
            keyFrameRetryDue = false;
            if (!keyFrameAnswered()) {
                sendKeyFrameRequest(now);
            }
        }
    }

    private void sendKeyFrameRequest(long now) {
        lastKeyFrameRequestMs = now;
        stats.onPliSent();
        listener.onRtpStreamSendRtcp(this, new FeedbackPsPli(0, ssrc));
    }

    /**
     * Whether the stream stopped: sent nothing for {@link #INACTIVE_AFTER_MS} while counted as
     * active. Returns true once, when it changes.
     */
    boolean checkStopped(long nowMs) {
        if (active && nowMs - lastPacketMs >= INACTIVE_AFTER_MS) {
            active = false;
            return true;
        }
        return false;
    }

    /** Whether the stream sent a packet within the last {@link #INACTIVE_AFTER_MS}. */
    boolean active() {
        return active;
    }

    /** When the stream last sent a key frame (media clock), Long.MIN_VALUE if never seen. */
    long lastKeyFrameMs() {
        return lastKeyFrameMs;
    }

    /**
     * A sender report about this stream (RFC 3550 §6.4.1): its NTP/RTP pair maps the stream's
     * timestamps onto wall time, and its NTP time is echoed as LSR in our reception reports.
     */
    void onSenderReport(SenderReport report, long nowMs) {
        long ntp = report.ntpTimestamp();
        stats.onSenderReport(ntp, nowMs);
        senderReportNtpMs = (ntp >>> 32) * 1000 + (((ntp & 0xFFFFFFFFL) * 1000 + (1L << 31)) >>> 32);
        senderReportRtpTimestamp = report.rtpTimestamp();
        haveSenderReport = true;
    }

    boolean hasSenderReport() {
        return haveSenderReport;
    }

    /** The NTP time of the last sender report, in ms (valid when {@link #hasSenderReport}). */
    long senderReportNtpMs() {
        return senderReportNtpMs;
    }

    /** The RTP timestamp of the last sender report. */
    long senderReportRtpTimestamp() {
        return senderReportRtpTimestamp;
    }

    /** RTX packets received (restorable or not). */
    long rtxPacketsReceived() {
        return rtxPacketsReceived;
    }

    /** Missing packets that arrived after all (late or by RTX). */
    long packetsRepaired() {
        return packetsRepaired;
    }

    /** NACK packets sent about this stream. */
    long nacksSent() {
        return nacksSent;
    }

    /** Sequence numbers those NACKs asked for. */
    long nackedPackets() {
        return nackedPackets;
    }
}
