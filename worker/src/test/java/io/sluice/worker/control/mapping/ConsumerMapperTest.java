package io.sluice.worker.control.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.worker.router.ConsumerLayers;
import io.sluice.worker.router.parameters.MediaKind;
import io.sluice.worker.router.stats.ConsumerScores;
import io.sluice.worker.router.stats.ProducerScores;
import io.sluice.worker.router.stats.ProducerStatsSnapshot;
import io.sluice.worker.router.stats.RtpStreamSnapshot;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Layers, stats and scores out to the API: presence kept, unsigned SSRCs, drop reasons in their order. */
class ConsumerMapperTest {

    @Test
    void anUnsetTemporalLayerStaysUnsetBothWays() {
        var unset = io.sluice.api.v1.ConsumerLayers.newBuilder().setSpatialLayer(1).build();
        var set = io.sluice.api.v1.ConsumerLayers.newBuilder().setSpatialLayer(2).setTemporalLayer(0).build();

        assertThat(ConsumerMapper.toDomain(unset)).isEqualTo(new ConsumerLayers(1, null));
        assertThat(ConsumerMapper.toDomain(set)).isEqualTo(ConsumerLayers.of(2, 0));
        assertThat(ConsumerMapper.toProto(ConsumerMapper.toDomain(unset))).isEqualTo(unset);
        assertThat(ConsumerMapper.toProto(ConsumerMapper.toDomain(set))).isEqualTo(set);
    }

    @Test
    void producerStatsKeepTheirDropOrderAndUnsignedSsrcs() {
        Map<String, Long> dropped = new LinkedHashMap<>();
        dropped.put("unknown_payload_type", 2L);
        dropped.put("paused", 1L);
        RtpStreamSnapshot stream = new RtpStreamSnapshot("inbound-rtp", 5, 0xFFFF_FFF0L, 0, "h", MediaKind.VIDEO,
                "video/VP8", 10, 1000, 1, 3, 0, 1, 2, 1, 1, 4, 10, 128_000, 0, 90);

        var proto = StatsMapper.toProto(new ProducerStatsSnapshot("p", 5, 10, 1000, 4, dropped, List.of(stream)));

        assertThat(proto.getDroppedPacketsMap().keySet()).containsExactly("unknown_payload_type", "paused");
        assertThat(Integer.toUnsignedLong(proto.getStreams(0).getSsrc())).isEqualTo(0xFFFF_FFF0L);
        assertThat(proto.getStreams(0).getKind()).isEqualTo(io.sluice.api.v1.MediaKind.VIDEO);
        assertThat(proto.getStreams(0).getRid()).isEqualTo("h");
        assertThat(proto.getStreams(0).getJitter()).isEqualTo(90);
        assertThat(proto.getKeyFrameRequestsSent()).isEqualTo(4);
    }

    @Test
    void scoresCarryEveryEncoding() {
        var producer = StatsMapper.toProto(new ProducerScores(List.of(
                new ProducerScores.StreamScoreEntry(0, 1111, "l", 10), new ProducerScores.StreamScoreEntry(2, 3333, "h", 7))));
        var consumer = StatsMapper.toProto(new ConsumerScores(9, 7, List.of(10, 0, 7)));

        assertThat(producer.getScoresList()).extracting(s -> s.getEncodingIdx() + ":" + s.getSsrc() + ":" + s.getScore())
                .containsExactly("0:1111:10", "2:3333:7");
        assertThat(consumer.getScore()).isEqualTo(9);
        assertThat(consumer.getProducerScore()).isEqualTo(7);
        assertThat(consumer.getProducerScoresList()).containsExactly(10, 0, 7);
    }
}
