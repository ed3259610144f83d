package io.sluice.worker.rtcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.sluice.worker.rtp.TestBuffers;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every parser returns null, never throws, on a malformed packet of its type. */
class RtcpMalformedPacketsTest {

    private final TestBuffers buffers = new TestBuffers();

    @AfterEach
    void releaseAndCheckRefCnt() {
        buffers.close();
    }

    interface Parser {
        RtcpPacket parse(ByteBuf buf, int index, int length);
    }

    private static Arguments malformed(String name, Parser parser, int... bytes) {
        return Arguments.of(name, parser, bytes);
    }

    static Stream<Arguments> malformedPackets() {
        return Stream.of(
            malformed("SR without sender info", SenderReport::parse,
                0x80, 0xc8, 0x00, 0x01, 0, 0, 0, 1),
            malformed("SR with RC=2 and one block", SenderReport::parse, withCount(SenderReportTest.senderReport(), 2)),
            malformed("SR parser given an RR", SenderReport::parse, ReceiverReportTest.emptyReceiverReport()),
            malformed("SR truncated by the datagram", SenderReport::parse, truncate(SenderReportTest.senderReport(), 4)),
            malformed("RR with RC=1 and no block", ReceiverReport::parse, 0x81, 0xc9, 0x00, 0x01, 0, 0, 0, 1),
            malformed("RR without SSRC", ReceiverReport::parse, 0x80, 0xc9, 0x00, 0x00),
            malformed("RR with bad version", ReceiverReport::parse, 0xc0, 0xc9, 0x00, 0x01, 0, 0, 0, 1),
            malformed("SDES item past the packet", SourceDescription::parse,
                0x81, 0xca, 0x00, 0x02, 0, 0, 0, 1, 0x01, 0x09, 'a', 'b'),
            malformed("SDES chunk without END", SourceDescription::parse,
                0x81, 0xca, 0x00, 0x02, 0, 0, 0, 1, 0x01, 0x02, 'a', 'b'),
            malformed("SDES with SC=2 and one chunk", SourceDescription::parse,
                withCount(SourceDescriptionTest.cnameSdes(), 2)),
            malformed("BYE with SC=2 and one SSRC", Bye::parse, 0x82, 0xcb, 0x00, 0x01, 0, 0, 0, 1),
            malformed("BYE reason past the packet", Bye::parse,
                0x81, 0xcb, 0x00, 0x02, 0, 0, 0, 1, 0x09, 'b', 'y', 'e'),
            malformed("NACK without FCI", FeedbackRtpNack::parse, 0x81, 0xcd, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 2),
            malformed("NACK parser given FMT 2", FeedbackRtpNack::parse, withCount(FeedbackRtpNackTest.nack(), 2)),
            malformed("feedback without media SSRC", FeedbackPsPli::parse, 0x81, 0xce, 0x00, 0x01, 0, 0, 0, 1),
            malformed("PLI parser given PT 205", FeedbackPsPli::parse, 0x81, 0xcd, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 2),
            malformed("FIR without entry", FeedbackPsFir::parse, 0x84, 0xce, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 0),
            malformed("REMB with Num SSRC past the packet", FeedbackPsRemb::parse, withByte(FeedbackPsRembTest.remb(), 16, 3)),
            malformed("REMB without its identifier", FeedbackPsRemb::parse, withByte(FeedbackPsRembTest.remb(), 12, 'X')),
            malformed("REMB without bitrate", FeedbackPsRemb::parse,
                0x8f, 0xce, 0x00, 0x03, 0, 0, 0, 1, 0, 0, 0, 0, 'R', 'E', 'M', 'B'),
            malformed("transport-cc without base and count", FeedbackRtpTransport::parse,
                0x8f, 0xcd, 0x00, 0x03, 0, 0, 0, 1, 0, 0, 0, 2, 0, 1, 0, 1),
            malformed("transport-cc status count larger than its chunks can cover", FeedbackRtpTransport::parse,
                0x8f, 0xcd, 0x00, 0x05, 0, 0, 0, 1, 0, 0, 0, 2, 0, 1, 0xff, 0xff, 0, 0, 0, 0, 0x1f, 0xff, 0x00, 0x00),
            malformed("transport-cc chunks missing", FeedbackRtpTransport::parse,
                0x8f, 0xcd, 0x00, 0x04, 0, 0, 0, 1, 0, 0, 0, 2, 0, 1, 0, 1, 0, 0, 0, 0),
            malformed("transport-cc deltas missing", FeedbackRtpTransport::parse,
                0x8f, 0xcd, 0x00, 0x05, 0, 0, 0, 1, 0, 0, 0, 2, 0, 1, 0, 2, 0, 0, 0, 0, 0x40, 0x02, 0x00, 0x00),
            malformed("transport-cc large delta cut in half", FeedbackRtpTransport::parse,
                0xaf, 0xcd, 0x00, 0x05, 0, 0, 0, 1, 0, 0, 0, 2, 0, 1, 0, 1, 0, 0, 0, 0, 0x40, 0x01, 0x00, 0x01),
            malformed("transport-cc reserved symbol in a run", FeedbackRtpTransport::parse,
                0x8f, 0xcd, 0x00, 0x05, 0, 0, 0, 1, 0, 0, 0, 2, 0, 1, 0, 1, 0, 0, 0, 0, 0x60, 0x01, 0x00, 0x00),
            malformed("transport-cc reserved symbol in a vector", FeedbackRtpTransport::parse,
                0x8f, 0xcd, 0x00, 0x05, 0, 0, 0, 1, 0, 0, 0, 2, 0, 1, 0, 1, 0, 0, 0, 0, 0xf0, 0x00, 0x00, 0x00),
            malformed("XR block past the packet", ExtendedReport::parse,
                0x80, 0xcf, 0x00, 0x02, 0, 0, 0, 1, 0x04, 0x00, 0x00, 0x02),
            malformed("XR block header cut", ExtendedReport::parse,
                0xa0, 0xcf, 0x00, 0x02, 0, 0, 0, 1, 0x04, 0x00, 0x00, 0x02),
            malformed("XR RRTR of 1 word", ExtendedReport::parse,
                0x80, 0xcf, 0x00, 0x03, 0, 0, 0, 1, 0x04, 0x00, 0x00, 0x01, 0, 0, 0, 0),
            malformed("XR DLRR of 2 words", ExtendedReport::parse,
                0x80, 0xcf, 0x00, 0x04, 0, 0, 0, 1, 0x05, 0x00, 0x00, 0x02, 0, 0, 0, 0, 0, 0, 0, 0),
            malformed("raw packet with length overrun", RawRtcpPacket::parse, 0x80, 0xcc, 0x00, 0x05, 0, 0, 0, 1),
            malformed("dispatch: empty", RtcpPacket::parse),
            malformed("dispatch: padding bigger than packet", RtcpPacket::parse, 0xa1, 0xce, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 0x20));
    }

    private static int[] withCount(int[] bytes, int count) {
        int[] copy = bytes.clone();
        copy[0] = (copy[0] & 0xe0) | count;
        return copy;
    }

    private static int[] withByte(int[] bytes, int index, int value) {
        int[] copy = bytes.clone();
        copy[index] = value;
        return copy;
    }

    private static int[] truncate(int[] bytes, int drop) {
        return java.util.Arrays.copyOf(bytes, bytes.length - drop);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedPackets")
    void malformedPacketsParseToNull(String name, Parser parser, int[] bytes) {
        ByteBuf buf = buffers.of(bytes);

        assertThat(parser.parse(buf, 0, buf.readableBytes())).isNull();
        assertThat(buf.readerIndex()).isZero();
    }

    @Test
    void everyTruncationOfEveryValidPacketIsRejected() {
        int[][] valid = {
            SenderReportTest.senderReport(), ReceiverReportTest.receiverReport(), SourceDescriptionTest.cnameSdes(),
            ByeTest.byeWithReason(), FeedbackRtpNackTest.nack(), FeedbackPsPliTest.pli(), FeedbackPsFirTest.fir(),
            FeedbackPsRembTest.remb(), FeedbackRtpTransportTest.transportFeedback(), ExtendedReportTest.extendedReport(),
        };
        for (int[] bytes : valid) {
            ByteBuf buf = buffers.of(bytes);
            assertThat(RtcpPacket.parse(buf, 0, bytes.length)).isNotNull();
            for (int length = 0; length < bytes.length; length++) {
                assertThat(RtcpPacket.parse(buf, 0, length)).as("%d of %d bytes", length, bytes.length).isNull();
            }
        }
    }
}
