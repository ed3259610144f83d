package io.sluice.worker.control.mapping;

import io.sluice.api.v1.ConsumerScore;
import io.sluice.api.v1.ConsumerStats;
import io.sluice.api.v1.ProducerScore;
import io.sluice.api.v1.ProducerStats;
import io.sluice.api.v1.RtpStreamScore;
import io.sluice.api.v1.RtpStreamStats;
import io.sluice.worker.router.stats.ConsumerScores;
import io.sluice.worker.router.stats.ConsumerStatsSnapshot;
import io.sluice.worker.router.stats.ProducerScores;
import io.sluice.worker.router.stats.ProducerStatsSnapshot;
import io.sluice.worker.router.stats.RtpStreamSnapshot;

/** Producers' and consumers' statistics and scores as the API's getStats replies and "score" events. */
public final class StatsMapper {

    private StatsMapper() {}

    public static ProducerStats toProto(ProducerStatsSnapshot stats) {
        ProducerStats.Builder proto = ProducerStats.newBuilder()
                .setProducerId(stats.producerId())
                .setTimestampMs(stats.timestampMs())
                .setPacketsReceived(stats.packetsReceived())
                .setBytesReceived(stats.bytesReceived())
                .setKeyFrameRequestsSent(stats.keyFrameRequestsSent())
                .putAllDroppedPackets(stats.droppedPackets());
        stats.streams().forEach(stream -> proto.addStreams(toProto(stream)));
        return proto.build();
    }

    public static ConsumerStats toProto(ConsumerStatsSnapshot stats) {
        ConsumerStats.Builder proto = ConsumerStats.newBuilder()
                .setConsumerId(stats.consumerId())
                .setTimestampMs(stats.timestampMs())
                .setPacketsSent(stats.packetsSent())
                .setBytesSent(stats.bytesSent())
                .setKeyFrameRequestsReceived(stats.keyFrameRequestsReceived())
                .putAllDroppedPackets(stats.droppedPackets());
        if (stats.currentLayers() != null) {
            proto.setCurrentLayers(ConsumerMapper.toProto(stats.currentLayers()));
        }
        stats.streams().forEach(stream -> proto.addStreams(toProto(stream)));
        return proto.build();
    }

    public static RtpStreamStats toProto(RtpStreamSnapshot stream) {
        return RtpStreamStats.newBuilder()
                .setType(stream.type())
                .setTimestampMs(stream.timestampMs())
                .setSsrc((int) stream.ssrc())
                .setRtxSsrc((int) stream.rtxSsrc())
                .setRid(stream.rid())
                .setKind(RtpParametersMapper.toProto(stream.kind()))
                .setMimeType(stream.mimeType())
                .setPacketCount(stream.packetCount())
                .setByteCount(stream.byteCount())
                .setPacketsLost(stream.packetsLost())
                .setFractionLost(stream.fractionLost())
                .setPacketsDiscarded(stream.packetsDiscarded())
                .setNackCount(stream.nackCount())
                .setNackPacketCount(stream.nackPacketCount())
                .setPacketsRetransmitted(stream.packetsRetransmitted())
                .setPacketsRepaired(stream.packetsRepaired())
                .setPliCount(stream.pliCount())
                .setScore(stream.score())
                .setBitrate(stream.bitrate())
                .setRoundTripTime(stream.roundTripTime())
                .setJitter((int) stream.jitter())
                .build();
    }

    public static ProducerScore toProto(ProducerScores scores) {
        ProducerScore.Builder proto = ProducerScore.newBuilder();
        for (ProducerScores.StreamScoreEntry score : scores.scores()) {
            proto.addScores(RtpStreamScore.newBuilder()
                    .setEncodingIdx(score.encodingIdx())
                    .setSsrc((int) score.ssrc())
                    .setRid(score.rid())
                    .setScore(score.score()));
        }
        return proto.build();
    }

    public static ConsumerScore toProto(ConsumerScores scores) {
        return ConsumerScore.newBuilder()
                .setScore(scores.score())
                .setProducerScore(scores.producerScore())
                .addAllProducerScores(scores.producerScores())
                .build();
    }
}
