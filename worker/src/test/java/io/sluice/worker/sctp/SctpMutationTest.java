package io.sluice.worker.sctp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.sluice.worker.rtp.TestBuffers;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Seeded random corruption of valid chunks and packets, as for RTP and RTCP: the parsers answer
 * null/false or something that writes again, and never throw; an association fed the corrupted
 * packets stays in one piece.
 */
class SctpMutationTest {

    private static final int ROUNDS = 20_000;
    private final TestBuffers buffers = new TestBuffers();

    @AfterEach
    void releaseAndCheckRefCnt() {
        buffers.close();
    }

    @Test
    void corruptedChunksNeverThrow() {
        int[][] originals = {SctpChunkTest.sackChunk(), SctpChunkTest.forwardTsnChunk(), SctpChunkTest.reConfigChunk(),
            SctpChunkTest.reConfigResponse(), SctpChunkTest.dataChunk(), DataChannelOpenTest.open()};
        Random random = new Random(20261207);
        ByteBuf out = buffers.untracked(new int[512]);
        int parsed = 0;

        for (int round = 0; round < ROUNDS; round++) {
            int[] original = originals[round % originals.length];
            ByteBuf buf = buffers.untracked(original);
            mutate(buf, original.length, random);
            int length = buf.readableBytes();
            out.clear();
            if (SctpPacket.chunkLength(buf, 0) <= length) {
                SackChunk sack = SackChunk.parse(buf, 0);
                ForwardTsnChunk forward = ForwardTsnChunk.parse(buf, 0);
                ReConfigChunk reconfig = ReConfigChunk.parse(buf, 0);
                if (sack != null) {
                    sack.writeTo(out);
                }
                if (forward != null) {
                    forward.writeTo(out);
                }
                if (reconfig != null) {
                    reconfig.writeTo(out);
                }
                parsed += sack != null || forward != null || reconfig != null ? 1 : 0;
                if (DataChunk.valid(buf, 0)) {
                    DataChunk.userDataLength(buf, 0);
                }
            }
            DataChannelOpen open = DataChannelOpen.parse(buf, 0, length);
            if (open != null) {
                open.writeTo(out);
            }
        }

        assertThat(parsed).as("some mutations stay valid").isPositive();
    }

    @Test
    void corruptedPacketsNeverThrow() {
        int[] original = SctpChunkTest.initPacket();
        Random random = new Random(7);
        int wellFormed = 0;
        for (int round = 0; round < ROUNDS; round++) {
            ByteBuf buf = buffers.untracked(original);
            mutate(buf, original.length, random);
            int length = buf.readableBytes();
            if (SctpPacket.chunksWellFormed(buf, 0, length)) {
                wellFormed++;
                SctpPacket.checksumValid(buf, 0, length);
                for (int chunk = SctpPacket.firstChunk(buf, 0, length); chunk >= 0;
                        chunk = SctpPacket.nextChunk(buf, chunk, length)) {
                    InitChunk.parse(buf, chunk);
                    ErrorCause.parseAll(buf, chunk);
                }
            }
        }
        assertThat(wellFormed).isPositive();
    }

    /** Flips bytes, and sometimes truncates: what a broken or hostile peer could send. */
    private static void mutate(ByteBuf buf, int length, Random random) {
        int flips = 1 + random.nextInt(3);
        for (int i = 0; i < flips; i++) {
            int at = random.nextInt(length);
            buf.setByte(at, random.nextInt(256));
        }
        if (random.nextInt(4) == 0) {
            buf.writerIndex(random.nextInt(length + 1));
        }
    }
}
