package io.sluice.worker.rtp.codecs;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.worker.rtp.codecs.ForwardingHarness.Forwarded;
import org.junit.jupiter.api.Test;

/** The parsers and rewriters each MIME type gets, and the pass-through rewriter. */
class CodecFactoryTest {

    @Test
    void parsersByMimeTypeIgnoringCase() {
        assertThat(PayloadParser.forMimeType("video/vp8")).isSameAs(PayloadParser.forMimeType("VIDEO/VP8"));
        assertThat(PayloadParser.forMimeType("video/VP9")).isNotNull();
        assertThat(PayloadParser.forMimeType("video/h264")).isNotNull();
        assertThat(PayloadParser.forMimeType("video/AV1")).isNotNull();
        assertThat(PayloadParser.forMimeType("audio/opus")).isNull();
        assertThat(PayloadParser.forMimeType("video/rtx")).isNull();
        assertThat(PayloadParser.forMimeType(null)).isNull();
    }

    @Test
    void rewritersByMimeTypeAreOnePerConsumer() {
        assertThat(LayerRewriter.forMimeType("video/VP8")).isNotSameAs(LayerRewriter.forMimeType("video/VP8"));
        assertThat(LayerRewriter.forMimeType("video/vp8").needsKeyFrame(0)).isTrue();
        assertThat(LayerRewriter.forMimeType("video/vp9", "L3T3_KEY").needsKeyFrame(0)).isTrue();
        assertThat(LayerRewriter.forMimeType("video/H264").needsKeyFrame(0)).isFalse();
        assertThat(LayerRewriter.forMimeType("audio/opus").currentSpatialLayer()).isEqualTo(-1);
    }

    @Test
    void h264PassesThroughWithItsMarkers() {
        ForwardingHarness harness = new ForwardingHarness("video/H264", 0, 0);
        assertThat(harness.send(false, 0x41, 0x9a, 0x00)).as("a slice before any key frame").isTrue();
        assertThat(harness.send(false, 0x7c, 0x85, 0x88, 0x80)).isTrue();     // FU-A start of an IDR slice
        assertThat(harness.send(true, 0x7c, 0x45, 0x11)).isTrue();            // FU-A end
        assertThat(harness.forwarded).extracting(Forwarded::marker).containsExactly(false, false, true);
        assertThat(harness.forwarded).extracting(Forwarded::keyFrame).containsExactly(false, true, false);
        assertThat(harness.rewriter.currentSpatialLayer()).isZero();
        assertThat(harness.rewriter.currentTemporalLayer()).isZero();
    }
}
