package io.sluice.worker.router;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.worker.router.parameters.MediaKind;
import io.sluice.worker.router.stats.NtpTime;
import io.sluice.worker.router.stats.RtpReceiveStreamStats;
import io.sluice.worker.router.stats.RtpSendStreamStats;
import io.sluice.worker.rtcp.ReceiverReport;
import io.sluice.worker.rtcp.ReportBlock;
import io.sluice.worker.rtcp.RtcpCompound;
import io.sluice.worker.rtcp.RtcpCompoundIterator;
import io.sluice.worker.rtcp.RtcpHeader;
import io.sluice.worker.rtcp.RtcpPacket;
import io.sluice.worker.rtcp.SenderReport;
import io.sluice.worker.rtcp.SourceDescription;
import io.sluice.worker.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * The RTCP reports of one transport (mediasoup's Transport RTCP timer). Every interval it sends,
 * for each consumer that has sent media, a compound of its sender report and SDES CNAME, and for
 * the producers' streams one receiver report (RFC 3550 §6.4.2) whose blocks carry what each stream
 * received, with an SDES CNAME (§6.1: every compound carries one). Incoming sender reports about
 * producer streams are kept for LSR/DLSR; incoming report blocks about consumer streams give
 * their loss, jitter, RTT and score; the RTT also paces the consumer's resends and the
 * transport's producers' NACK retries. Score changes go to a {@link ScoreListener}.
 * Runs on the router's loop; the interval is randomized as RFC 3550 §6.3.1 asks (0.5 to 1.5 times).
 */
final class RtcpScheduler {

    /** What a score change concerns; the worker publishes it as an event. */
    interface ScoreListener {
        void onProducerScore(Producer producer);

        void onConsumerScore(Consumer consumer);
    }

    /** mediasoup's maximum RTCP intervals: video every second, audio-only every five (RFC 3550 §6.2 minimum 5 s). */
    static final long VIDEO_INTERVAL_MS = 1000;
    static final long AUDIO_INTERVAL_MS = 5000;

    private final TransportMedia media;
    private final Clock clock;
    private final ByteBufAllocator allocator;
    private final long localSsrc;
    private final String cname;
    private final ScoreListener listener;
    private ScheduledFuture<?> timer;
    private boolean stopped;
    private long reportsSent;

    /**
     * @param localSsrc the SSRC our receiver reports are sent from (RFC 3550 §8: random)
     * @param cname     the CNAME of that SSRC
     */
    RtcpScheduler(TransportMedia media, Clock clock, ByteBufAllocator allocator, long localSsrc, String cname, ScoreListener listener) {
        this.media = media;
        this.clock = clock;
        this.allocator = allocator;
        this.localSsrc = localSsrc;
        this.cname = cname;
        this.listener = listener;
    }

    /** Starts the timer on {@code loop}; each tick sends the reports and schedules the next. */
    void start(EventLoop loop, RandomGenerator random) {
        if (stopped) {
            return;
        }
        long delay = Math.round(intervalMs() * (0.5 + random.nextDouble()));
        timer = loop.schedule(() -> {
            if (stopped || media.transport().closed()) {
                return;
            }
            sendReports();
            start(loop, random);
        }, delay, TimeUnit.MILLISECONDS);
    }

    void stop() {
        stopped = true;
        if (timer != null) {
            timer.cancel(false);
        }
    }

    /** One second when the transport carries any video, five for audio alone. */
    long intervalMs() {
        for (Producer producer : media.producers()) {
            if (producer.kind() == MediaKind.VIDEO) {
                return VIDEO_INTERVAL_MS;
            }
        }
        for (Consumer consumer : media.consumers()) {
            if (consumer.kind() == MediaKind.VIDEO) {
                return VIDEO_INTERVAL_MS;
            }
        }
        return AUDIO_INTERVAL_MS;
    }

    /** Compounds sent so far (each SR and each RR compound counts once). */
    long reportsSent() {
        return reportsSent;
    }

    /** Builds and sends this interval's reports. */
    void sendReports() {
        long now = clock.monotonicMillis();
        long ntp = NtpTime.fromUnixMillis(clock.epochMillis());
        for (Consumer consumer : media.consumers()) {
            String consumerCname = consumer.rtpParameters().rtcpOrEmpty().cname();
            for (ConsumerSendStream stream : consumer.sendStreams()) {
                SenderReport report = stream.stats().senderReport(stream.ssrc(), now, ntp);
                if (report != null) {
                    send(List.of(report, SourceDescription.ofCname(stream.ssrc(),
                            consumerCname.isEmpty() ? cname : consumerCname)));
                }
            }
        }
        List<ReportBlock> blocks = new ArrayList<>();
        List<Producer> rescored = new ArrayList<>(0);
        for (Producer producer : media.producers()) {
            boolean changed = false;
            for (int i = 0; i < producer.streamCount(); i++) {
                long ssrc = producer.stream(i).ssrc();
                if (ssrc < 0) {
                    continue;
                }
                RtpReceiveStreamStats stats = producer.stream(i).stats();
                int before = stats.score();
                ReportBlock block = stats.reportBlock(ssrc, now);
                if (block != null) {
                    blocks.add(block);
                }
                changed |= stats.score() != before;
            }
            if (changed) {
                rescored.add(producer);
            }
        }
        for (int from = 0; from < blocks.size(); from += RtcpHeader.MAX_COUNT) {
            List<ReportBlock> chunk = blocks.subList(from, Math.min(blocks.size(), from + RtcpHeader.MAX_COUNT));
            send(List.of(new ReceiverReport(localSsrc, chunk), SourceDescription.ofCname(localSsrc, cname)));
        }
        for (Producer producer : rescored) {
            listener.onProducerScore(producer);
        }
    }

    private void send(List<RtcpPacket> compound) {
        ByteBuf packet = allocator.directBuffer(RtcpCompound.serializedLength(compound) + media.transport().srtpOverhead());
        RtcpCompound.write(compound, packet);
        reportsSent++;
        media.transport().sendRtcp(packet);
    }

    /**
     * The iterator's current packet, if it is a report: an SR about a producer stream is kept for
     * our next report block's LSR/DLSR; report blocks (in an SR or RR) about a consumer's stream
     * update its figures. Returns whether the packet was a report (SR or RR).
     */
    boolean onReport(RtcpCompoundIterator rtcp) {
        int type = rtcp.packetType();
        if (type != RtcpHeader.TYPE_SR && type != RtcpHeader.TYPE_RR) {
            return false;
        }
        RtcpPacket parsed = rtcp.parse();
        if (parsed instanceof SenderReport report) {
            onSenderReport(report);
            onReportBlocks(report.reportBlocks());
        } else if (parsed instanceof ReceiverReport report) {
            onReportBlocks(report.reportBlocks());
        }
        return true;
    }

    private void onSenderReport(SenderReport report) {
        for (Producer producer : media.producers()) {
            for (int i = 0; i < producer.streamCount(); i++) {
                if (producer.stream(i).ssrc() == report.senderSsrc()) {
                    producer.stream(i).onSenderReport(report, clock.monotonicMillis());
                    return;
                }
            }
        }
    }

    private void onReportBlocks(List<ReportBlock> blocks) {
        if (blocks.isEmpty()) {
            return;
        }
        long nowNtp = NtpTime.fromUnixMillis(clock.epochMillis());
        for (ReportBlock block : blocks) {
            onReportBlock(block, nowNtp);
        }
    }

    /** A report block about one of the streams a consumer sends (a pipe consumer sends several). */
    private void onReportBlock(ReportBlock block, long nowNtp) {
        for (Consumer consumer : media.consumers()) {
            for (ConsumerSendStream stream : consumer.sendStreams()) {
                if (stream.ssrc() == block.ssrc()) {
                    RtpSendStreamStats stats = stream.stats();
                    double rttBefore = stats.roundTripTimeMs();
                    // The consumer's score is its first stream's.
                    if (stats.onReportBlock(block, nowNtp) && stream == consumer.sendStream()) {
                        listener.onConsumerScore(consumer);
                    }
                    if (stats.roundTripTimeMs() != rttBefore) {
                        onRoundTripTime(stream, stats.roundTripTimeMs());
                    }
                    return;
                }
            }
        }
    }

    /**
     * A report block echoed a consumer's sender report, giving the round-trip time to the
     * endpoint this transport talks to: the consumer resends a packet at most once per RTT, and
     * the transport's producers (the same endpoint, the same path) space their NACK retries by it.
     */
    private void onRoundTripTime(ConsumerSendStream stream, double rttMs) {
        long rounded = Math.max(1, Math.round(rttMs));
        stream.setRoundTripTimeMs(rounded);
        for (Producer producer : media.producers()) {
            producer.setRttMs(rounded);
        }
    }
}
