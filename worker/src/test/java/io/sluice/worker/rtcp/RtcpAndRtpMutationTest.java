package io.sluice.worker.rtcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.sluice.worker.rtp.RtpPacket;
import io.sluice.worker.rtp.Rtx;
import io.sluice.worker.rtp.TestBuffers;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Seeded random corruption of valid packets (a bounded, reproducible stand-in for mediasoup's
 * fuzzers): parsers must answer null/false or a packet that serializes again, never throw.
 */
class RtcpAndRtpMutationTest {

    private static final int ROUNDS = 20_000;

    private final TestBuffers buffers = new TestBuffers();

    @AfterEach
    void releaseAndCheckRefCnt() {
        buffers.close();
    }

    @Test
    void corruptedCompoundsNeverThrow() {
        int[] compound = RtcpTesting.concat(SenderReportTest.senderReport(), SourceDescriptionTest.twoChunkSdes(),
            ByeTest.byeWithReason(), FeedbackRtpNackTest.nack(), FeedbackPsFirTest.fir(), FeedbackPsRembTest.remb(),
            ExtendedReportTest.extendedReport(), FeedbackRtpTransportTest.transportFeedback());
        ByteBuf buf = buffers.untracked(compound);
        ByteBuf out = buffers.untracked(new int[2048]);
        Random random = new Random(20261124);
        int parsed = 0;

        for (int round = 0; round < ROUNDS; round++) {
            mutate(buf, compound, random);
            List<RtcpPacket> packets = RtcpCompound.parse(buf);
            if (packets != null) {
                parsed++;
                out.clear();
                RtcpCompound.write(packets, out);
                assertThat(RtcpCompound.parse(out)).isNotNull();
            }
        }

        assertThat(parsed).as("some mutations stay valid").isPositive();
    }

    @Test
    void corruptedRtpPacketsNeverThrow() {
        int[] bytes = {
            0x92, 0xe4, 0x12, 0x34, 0x00, 0x01, 0xe2, 0x40, 0xde, 0xad, 0xbe, 0xef,
            0x11, 0x11, 0x11, 0x11, 0x22, 0x22, 0x22, 0x22,
            0xbe, 0xde, 0x00, 0x03, 0x10, 0xd5, 0x22, 0x01, 0x02, 0x03, 0x31, 0x00, 0x2a, 0x40, 0x31, 0x00,
            0xca, 0xfe, 0xba, 0xbe, 0x01,
        };
        ByteBuf buf = buffers.untracked(bytes);
        ByteBuf out = buffers.untracked(new int[128]);
        RtpPacket packet = new RtpPacket();
        Random random = new Random(3550);
        int parsed = 0;

        for (int round = 0; round < ROUNDS; round++) {
            mutate(buf, bytes, random);
            if (packet.wrap(buf)) {
                parsed++;
                assertThat(packet.payloadOffset() + packet.payloadLength() + packet.paddingLength())
                    .isEqualTo(packet.offset() + packet.length());
                for (int id = 1; id < 256; id++) {
                    int offset = packet.extensionOffset(id);
                    if (offset >= 0) {
                        assertThat(offset + packet.extensionLength(id)).isLessThanOrEqualTo(packet.payloadOffset());
                    }
                }
                out.clear();
                Rtx.writeRtx(packet, out, 97, 1, 1);
            }
        }

        assertThat(parsed).isPositive();
    }

    /** Resets {@code buf} to {@code valid}, then flips a few bytes and sometimes cuts the end. */
    private static void mutate(ByteBuf buf, int[] valid, Random random) {
        buf.clear();
        for (int b : valid) {
            buf.writeByte(b);
        }
        int flips = 1 + random.nextInt(3);
        for (int i = 0; i < flips; i++) {
            buf.setByte(random.nextInt(valid.length), random.nextInt(256));
        }
        if (random.nextInt(4) == 0) {
            buf.writerIndex(random.nextInt(valid.length + 1));
        }
    }
}
