package io.sluice.worker.router;

import io.sluice.api.v1.ConsumerScore;
import io.sluice.api.v1.ProducerScore;
import io.sluice.api.v1.RtpStreamScore;
import io.sluice.api.v1.RtpStreamStats;
import io.sluice.worker.router.parameters.MediaKind;
import io.sluice.worker.router.stats.RtpReceiveStreamStats;
import io.sluice.worker.router.stats.RtpSendStreamStats;
import java.util.ArrayList;
import java.util.List;

/**
 * Producers' and consumers' stream statistics and scores in mediasoup's shape: getStats entries
 * ("inbound-rtp" for a producer's encodings, "outbound-rtp" then the producer's "inbound-rtp" for a
 * consumer) and the "score" event bodies. Loss repair counts as mediasoup's RtpStream stats do:
 * inbound, the NACKs sent to the sender ({@code nack_count}, {@code nack_packet_count}), the RTX
 * packets received ({@code packets_retransmitted}) and the missing packets that arrived after all
 * ({@code packets_repaired}); outbound, the NACKs received from the receiver, the resends, and
 * the distinct packets resent.
 */
public final class RtpStreamStatsWriter {

    static final String INBOUND = "inbound-rtp";
    static final String OUTBOUND = "outbound-rtp";

    private RtpStreamStatsWriter() {
    }

    /**
     * @param nowMs       the wall-clock timestamp of the entries
     * @param monotonicMs the media clock's now (the one packets were counted with), for the bitrate
     */
    static List<RtpStreamStats> inbound(Producer producer, long nowMs, long monotonicMs) {
        List<RtpStreamStats> streams = new ArrayList<>(producer.streamCount());
        for (int i = 0; i < producer.streamCount(); i++) {
            if (producer.streamSsrc(i) >= 0) {
                streams.add(inbound(producer, i, nowMs, monotonicMs));
            }
        }
        return streams;
    }

    private static RtpStreamStats inbound(Producer producer, int stream, long nowMs, long monotonicMs) {
        RtpReceiveStreamStats stats = producer.streamStats(stream);
        ProducerLossRepair lossRepair = producer.lossRepair();
        long rtx = producer.rtxSsrc(stream);
        return RtpStreamStats.newBuilder()
                .setType(INBOUND)
                .setTimestampMs(nowMs)
                .setSsrc((int) producer.streamSsrc(stream))
                .setRtxSsrc(rtx < 0 ? 0 : (int) rtx)
                .setRid(producer.streamRid(stream))
                .setKind(apiKind(producer.kind()))
                .setMimeType(producer.rtpParameters().codecs().get(0).mimeType())
                .setPacketCount(stats.packetsReceived())
                .setByteCount(stats.bytesReceived())
                .setPacketsLost(stats.packetsLost())
                .setFractionLost(stats.fractionLost())
                .setPacketsDiscarded(stats.packetsDiscarded())
                .setNackCount(lossRepair.nacksSent(stream))
                .setNackPacketCount(lossRepair.nackedPackets(stream))
                .setPacketsRetransmitted(lossRepair.rtxPacketsReceived(stream))
                .setPacketsRepaired(lossRepair.packetsRepaired(stream))
                .setPliCount(stats.pliCount())
                .setScore(stats.score())
                .setBitrate(stats.bitrate(monotonicMs))
                .setJitter((int) stats.jitter())
                .build();
    }

    /**
     * The consumer's own streams (one per producer encoding for a pipe consumer), then (as
     * mediasoup) the producer stream whose score the consumer reports, if known.
     */
    static List<RtpStreamStats> outbound(Consumer consumer, long nowMs, long monotonicMs) {
        ConsumerSendStream[] sent = consumer.sendStreams();
        List<RtpStreamStats> streams = new ArrayList<>(sent.length + 1);
        for (int i = 0; i < sent.length; i++) {
            streams.add(outbound(consumer, i, sent[i], nowMs, monotonicMs));
        }
        Producer producer = consumer.producer();
        int producerStream = consumer.producerStreamForScore();
        if (producer.streamSsrc(producerStream) >= 0) {
            streams.add(inbound(producer, producerStream, nowMs, monotonicMs));
        }
        return streams;
    }

    private static RtpStreamStats outbound(Consumer consumer, int index, ConsumerSendStream stream, long nowMs,
            long monotonicMs) {
        RtpSendStreamStats stats = stream.stats();
        RtpStreamStats.Builder own = RtpStreamStats.newBuilder()
                .setType(OUTBOUND)
                .setTimestampMs(nowMs)
                .setSsrc((int) stream.ssrc())
                .setKind(apiKind(consumer.kind()))
                .setMimeType(consumer.rtpParameters().codecs().get(0).mimeType())
                .setPacketCount(stats.packetCount())
                .setByteCount(stats.byteCount())
                .setPacketsLost(stats.packetsLost())
                .setFractionLost(stats.fractionLost())
                // Key-frame requests from the receiver, PLI and FIR together until they are told apart.
                .setPliCount(consumer.keyFrameRequestsReceived(index))
                .setScore(stats.score())
                .setBitrate(stats.bitrate(monotonicMs))
                .setRoundTripTime(stats.roundTripTimeMs())
                .setJitter((int) stats.jitter());
        ConsumerRetransmission retransmission = stream.retransmission();
        if (retransmission != null) {
            own.setNackCount(retransmission.nackCount())
                    .setNackPacketCount(retransmission.nackedPackets())
                    .setPacketsRetransmitted(retransmission.retransmittedPackets())
                    .setPacketsRepaired(retransmission.repairedPackets());
        }
        return own.build();
    }

    public static ProducerScore producerScore(Producer producer) {
        ProducerScore.Builder score = ProducerScore.newBuilder();
        for (int i = 0; i < producer.streamCount(); i++) {
            if (producer.streamSsrc(i) >= 0) {
                score.addScores(RtpStreamScore.newBuilder()
                        .setEncodingIdx(i)
                        .setSsrc((int) producer.streamSsrc(i))
                        .setRid(producer.streamRid(i))
                        .setScore(producer.streamStats(i).score()));
            }
        }
        return score.build();
    }

    public static ConsumerScore consumerScore(Consumer consumer) {
        Producer producer = consumer.producer();
        ConsumerScore.Builder score = ConsumerScore.newBuilder()
                .setScore(consumer.sendStats().score())
                .setProducerScore(producer.streamStats(consumer.producerStreamForScore()).score());
        for (int i = 0; i < producer.streamCount(); i++) {
            score.addProducerScores(producer.streamStats(i).score());
        }
        return score.build();
    }

    /** The stats message's kind; goes with the rest of this writer when stats become router records. */
    private static io.sluice.api.v1.MediaKind apiKind(MediaKind kind) {
        return kind == MediaKind.AUDIO ? io.sluice.api.v1.MediaKind.AUDIO : io.sluice.api.v1.MediaKind.VIDEO;
    }
}
