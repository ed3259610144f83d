package io.sluice.worker.bwe;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.worker.rtcp.FeedbackRtpTransport;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01
 * §3.1) from the arrivals the server was told of: in sequence number order across reordering and
 * the 16-bit wrap, gaps reported as not received, at most one feedback per interval, and nothing
 * reported twice.
 */
class TransportCongestionControlServerTest {

    private static final long SENDER_SSRC = 0x0BADCAFEL;
    private static final long MEDIA_SSRC = 0x12345678L;

    /** Keeps what the server sends; the test releases it. */
    private static final class RecordingTransport implements RtcpSender {
        final List<ByteBuf> rtcp = new ArrayList<>();

        @Override
        public void sendRtcp(ByteBuf packet) {
            rtcp.add(packet);
        }

        @Override
        public int srtpOverhead() {
            return 10;
        }

        void releaseAll() {
            rtcp.forEach(ByteBuf::release);
        }
    }

    private final RecordingTransport transport = new RecordingTransport();
    private final TransportCongestionControlServer server =
            new TransportCongestionControlServer(transport, ByteBufAllocator.DEFAULT, SENDER_SSRC);

    @AfterEach
    void release() {
        List<ByteBuf> sent = List.copyOf(transport.rtcp);
        transport.releaseAll();
        assertThat(sent).allSatisfy(buf -> assertThat(buf.refCnt()).isZero());
    }

    private FeedbackRtpTransport sent(int index) {
        ByteBuf packet = transport.rtcp.get(index);
        assertThat(packet.writableBytes()).as("room for SRTCP").isGreaterThanOrEqualTo(10);
        FeedbackRtpTransport feedback = FeedbackRtpTransport.parse(packet, packet.readerIndex(), packet.readableBytes());
        assertThat(feedback).isNotNull();
        return feedback;
    }

    @Test
    void arrivalsAreReportedInOrderWithTheGapsNotReceived() {
        server.onPacket(0xFFFE, MEDIA_SSRC, 1_000_000);
        server.onPacket(0x0001, MEDIA_SSRC, 1_002_000);
        server.onPacket(0xFFFF, MEDIA_SSRC, 1_001_000);
        server.onPacket(0x0001, MEDIA_SSRC, 1_003_000);
        server.onPacket(0x0003, MEDIA_SSRC, 1_004_000);

        server.onTimer(5000);

        assertThat(transport.rtcp).hasSize(1);
        FeedbackRtpTransport feedback = sent(0);
        assertThat(feedback.senderSsrc()).isEqualTo(SENDER_SSRC);
        assertThat(feedback.mediaSsrc()).isEqualTo(MEDIA_SSRC);
        assertThat(feedback.baseSequenceNumber()).isEqualTo(0xFFFE);
        assertThat(feedback.packetStatusCount()).isEqualTo(6);
        boolean[] received = new boolean[6];
        for (int i = 0; i < 6; i++) {
            received[i] = feedback.isReceived(i);
        }
        // 0xFFFE, 0xFFFF, 0x0000 (lost), 0x0001, 0x0002 (lost), 0x0003.
        assertThat(received).containsExactly(true, true, false, true, false, true);
        assertThat(feedback.receiveDeltaTicks(1)).as("1 ms in 250 µs ticks").isEqualTo(4);
    }

    @Test
    void oneFeedbackPerIntervalAndNothingReportedTwice() {
        server.onPacket(10, MEDIA_SSRC, 2_000_000);
        server.onTimer(1000);
        server.onPacket(11, MEDIA_SSRC, 2_010_000);
        server.onTimer(1050);
        assertThat(transport.rtcp).hasSize(1);
        server.onPacket(9, MEDIA_SSRC, 2_020_000);
        server.onTimer(1100);

        assertThat(transport.rtcp).hasSize(2);
        FeedbackRtpTransport second = sent(1);
        assertThat(second.baseSequenceNumber()).as("9 came after its feedback").isEqualTo(11);
        assertThat(second.packetStatusCount()).isEqualTo(1);
        assertThat(second.feedbackPacketCount()).isEqualTo(sent(0).feedbackPacketCount() + 1);
        server.onTimer(1300);
        assertThat(transport.rtcp).as("no arrivals, no feedback").hasSize(2);
    }
}
