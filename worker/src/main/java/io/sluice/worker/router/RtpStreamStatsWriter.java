package io.sluice.worker.router;

import io.sluice.worker.router.stats.ConsumerScores;
import io.sluice.worker.router.stats.ProducerScores;
import io.sluice.worker.router.stats.RtpReceiveStreamStats;
import io.sluice.worker.router.stats.RtpSendStreamStats;
import io.sluice.worker.router.stats.RtpStreamSnapshot;
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
    static List<RtpStreamSnapshot> inbound(Producer producer, long nowMs, long monotonicMs) {
        List<RtpStreamSnapshot> streams = new ArrayList<>(producer.streamCount());
        for (int i = 0; i < producer.streamCount(); i++) {
            if (producer.stream(i).ssrc() >= 0) {
                streams.add(inbound(producer, i, nowMs, monotonicMs));
            }
        }
        return streams;
    }

    private static RtpStreamSnapshot inbound(Producer producer, int stream, long nowMs, long monotonicMs) {
        RtpStreamRecv recv = producer.stream(stream);
        RtpReceiveStreamStats stats = recv.stats();
        long rtx = recv.rtxSsrc();
        return new RtpStreamSnapshot(INBOUND, nowMs, recv.ssrc(), rtx < 0 ? 0 : rtx,
                recv.rid(), producer.kind(), producer.rtpParameters().codecs().get(0).mimeType(),
                stats.packetsReceived(), stats.bytesReceived(), stats.packetsLost(), stats.fractionLost(),
                stats.packetsDiscarded(), recv.nacksSent(), recv.nackedPackets(),
                recv.rtxPacketsReceived(), recv.packetsRepaired(), stats.pliCount(),
                stats.score(), stats.bitrate(monotonicMs), 0, (int) stats.jitter());
    }

    /**
     * The consumer's own streams (one per producer encoding for a pipe consumer), then (as
     * mediasoup) the producer stream whose score the consumer reports, if known.
     */
    static List<RtpStreamSnapshot> outbound(Consumer consumer, long nowMs, long monotonicMs) {
        ConsumerSendStream[] sent = consumer.sendStreams();
        List<RtpStreamSnapshot> streams = new ArrayList<>(sent.length + 1);
        for (int i = 0; i < sent.length; i++) {
            streams.add(outbound(consumer, i, sent[i], nowMs, monotonicMs));
        }
        Producer producer = consumer.producer();
        int producerStream = consumer.producerStreamForScore();
        if (producer.stream(producerStream).ssrc() >= 0) {
            streams.add(inbound(producer, producerStream, nowMs, monotonicMs));
        }
        return streams;
    }

    private static RtpStreamSnapshot outbound(Consumer consumer, int index, ConsumerSendStream stream, long nowMs,
            long monotonicMs) {
        RtpSendStreamStats stats = stream.stats();
        ConsumerRetransmission retransmission = stream.retransmission();
        // Key-frame requests from the receiver, PLI and FIR together until they are told apart.
        return new RtpStreamSnapshot(OUTBOUND, nowMs, stream.ssrc(), 0, "", consumer.kind(),
                consumer.rtpParameters().codecs().get(0).mimeType(), stats.packetCount(), stats.byteCount(),
                stats.packetsLost(), stats.fractionLost(), 0,
                retransmission == null ? 0 : retransmission.nackCount(),
                retransmission == null ? 0 : retransmission.nackedPackets(),
                retransmission == null ? 0 : retransmission.retransmittedPackets(),
                retransmission == null ? 0 : retransmission.repairedPackets(),
                consumer.keyFrameRequestsReceived(index), stats.score(), stats.bitrate(monotonicMs),
                stats.roundTripTimeMs(), (int) stats.jitter());
    }

    public static ProducerScores producerScore(Producer producer) {
        List<ProducerScores.StreamScoreEntry> scores = new ArrayList<>(producer.streamCount());
        for (int i = 0; i < producer.streamCount(); i++) {
            if (producer.stream(i).ssrc() >= 0) {
                scores.add(new ProducerScores.StreamScoreEntry(i, producer.stream(i).ssrc(), producer.stream(i).rid(),
                        producer.stream(i).stats().score()));
            }
        }
        return new ProducerScores(scores);
    }

    public static ConsumerScores consumerScore(Consumer consumer) {
        Producer producer = consumer.producer();
        List<Integer> producerScores = new ArrayList<>(producer.streamCount());
        for (int i = 0; i < producer.streamCount(); i++) {
            producerScores.add(producer.stream(i).stats().score());
        }
        return new ConsumerScores(consumer.sendStats().score(),
                producer.stream(consumer.producerStreamForScore()).stats().score(), producerScores);
    }
}
