package io.sluice.worker.rtcp;

import static io.sluice.worker.rtcp.RtcpTesting.serialize;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.sluice.worker.rtp.TestBuffers;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SourceDescriptionTest {

    private final TestBuffers buffers = new TestBuffers();

    @AfterEach
    void releaseAndCheckRefCnt() {
        buffers.close();
    }

    static int[] cnameSdes() {
        return new int[] {
            0x81, 0xca, 0x00, 0x06, // V=2, P=0, SC=1, PT=202, length 6 (28 bytes)
            0x9f, 0x65, 0xe7, 0x42, // chunk 1: SSRC
            0x01, 0x10,             // CNAME, 16 bytes
            'Z', 'z', '7', '2', 'k', '8', 'K', '7', 'o', 'R', 'L', 'D', 'A', 'd', 'Q', 'B',
            0x00, 0x00,             // END and padding to the word
        };
    }

    static int[] twoChunkSdes() {
        return new int[] {
            0x82, 0xca, 0x00, 0x06, // SC=2, length 6 (28 bytes)
            0x00, 0x00, 0x00, 0x01, // chunk 1: SSRC 1
            0x01, 0x01, 'a',        // CNAME "a"
            0x06, 0x03, 'f', 'o', 'o', // TOOL "foo"
            0x00, 0x00, 0x00, 0x00, // END and padding (chunk is 16 bytes)
            0x00, 0x00, 0x00, 0x02, // chunk 2: SSRC 2
            0x00, 0x00, 0x00, 0x00, // no items: END and padding
        };
    }

    @Test
    void rfc3550_section6_5_1_cnameChunk() {
        ByteBuf buf = buffers.of(cnameSdes());

        SourceDescription sdes = SourceDescription.parse(buf, 0, buf.readableBytes());

        assertThat(sdes).isNotNull();
        assertThat(sdes.packetType()).isEqualTo(202);
        assertThat(sdes.count()).isEqualTo(1);
        assertThat(sdes.chunks()).hasSize(1);
        assertThat(sdes.chunks().get(0).ssrc()).isEqualTo(0x9f65e742L);
        assertThat(sdes.cname()).isEqualTo("Zz72k8K7oRLDAdQB");
        assertThat(serialize(buffers, sdes)).isEqualTo(TestBuffers.bytes(cnameSdes()));
        assertThat(serialize(buffers, SourceDescription.ofCname(0x9f65e742L, "Zz72k8K7oRLDAdQB")))
            .isEqualTo(TestBuffers.bytes(cnameSdes()));
    }

    @Test
    void rfc3550_section6_5_chunksWithSeveralItemsAndNone() {
        ByteBuf buf = buffers.of(twoChunkSdes());

        SourceDescription sdes = SourceDescription.parse(buf, 0, buf.readableBytes());

        assertThat(sdes).isNotNull();
        assertThat(sdes.chunks()).containsExactly(
            new SourceDescription.Chunk(1, List.of(
                new SourceDescription.Item(SourceDescription.CNAME, "a"),
                new SourceDescription.Item(SourceDescription.TOOL, "foo"))),
            new SourceDescription.Chunk(2, List.of()));
        assertThat(sdes.chunks().get(0).item(SourceDescription.TOOL)).isEqualTo("foo");
        assertThat(sdes.chunks().get(1).item(SourceDescription.CNAME)).isNull();
        assertThat(serialize(buffers, sdes)).isEqualTo(TestBuffers.bytes(twoChunkSdes()));
    }
}
