package io.sluice.worker.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.worker.rtcp.FeedbackPsPli;
import io.sluice.worker.rtcp.FeedbackRtpNack;
import io.sluice.worker.rtcp.ReportBlock;
import io.sluice.worker.rtcp.RtcpPacket;
import io.sluice.worker.rtcp.SenderReport;
import io.sluice.worker.rtp.RtpPacket;
import io.sluice.worker.rtp.nack.NackGenerator;
import io.sluice.worker.testsupport.TestClock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One receive stream alone, with a recording listener and the test clock: sequence and loss
 * statistics, NACK generation and repair counting, RTX restoration, key-frame request throttling,
 * sender-report pairs and activity.
 */
class RtpStreamRecvTest {

    private static final long SSRC = 0x1111_2222L;
    private static final long RTX_SSRC = 0x3333_4444L;
    private static final long MAPPED_SSRC = 0x5555_6666L;
    private static final int PAYLOAD_TYPE = 96;
    private static final int RTX_PAYLOAD_TYPE = 97;

    private final TestClock clock = new TestClock(1_000_000, TestClock.DEFAULT_EPOCH_MILLIS);
    private final List<RtcpPacket> sent = new ArrayList<>();
    private int keyFramesNeeded;
    private final RtpStreamRecv.Listener listener = new RtpStreamRecv.Listener() {
        @Override
        public void onRtpStreamSendRtcp(RtpStreamRecv stream, RtcpPacket feedback) {
            sent.add(feedback);
        }

        @Override
        public void onRtpStreamKeyFrameNeeded(RtpStreamRecv stream) {
            keyFramesNeeded++;
        }
    };

    private RtpStreamRecv stream(long ssrc, boolean video, boolean nack) {
        return new RtpStreamRecv(0, "", ssrc, MAPPED_SSRC, RTX_SSRC, 90000, video, nack, clock, listener);
    }

    @Test
    void rfc3550_appendixA_3_countsTheGapAsLostAndReportsItsFraction() {
        RtpStreamRecv stream = stream(SSRC, true, false);
        for (int sequenceNumber : new int[] {10, 11, 13, 14}) {
            stream.onPacket(packet(sequenceNumber), clock.monotonicMillis());
        }
        assertThat(stream.stats().expectedPackets()).isEqualTo(5);
        assertThat(stream.stats().packetsLost()).isEqualTo(1);
        ReportBlock block = stream.stats().reportBlock(SSRC, clock.monotonicMillis());
        assertThat(block.fractionLost()).as("1 of 5, in 1/256").isEqualTo(256 / 5);
    }

    @Test
    void rfc4585_section6_2_1_nacksTheMissingPacketAndCountsItsRepair() {
        RtpStreamRecv stream = stream(SSRC, true, true);
        assertThat(stream.acceptSequenceNumber(100, false)).isTrue();
        assertThat(stream.acceptSequenceNumber(102, false)).isTrue();
        clock.advanceMillis(NackGenerator.REORDER_DELAY_MS);
        stream.onNackTimer();

        assertThat(sent).hasSize(1);
        FeedbackRtpNack nack = (FeedbackRtpNack) sent.get(0);
        assertThat(nack.mediaSsrc()).as("RFC 4585 §6.1: the sender's SSRC").isEqualTo(SSRC);
        assertThat(nack.lostSequenceNumbers()).containsExactly(101);
        assertThat(stream.nacksSent()).isOne();
        assertThat(stream.nackedPackets()).isOne();

        assertThat(stream.acceptSequenceNumber(101, true)).as("the RTX that answers the NACK").isTrue();
        assertThat(stream.packetsRepaired()).isOne();
        assertThat(stream.acceptSequenceNumber(101, true)).as("a second copy nobody asked for").isFalse();
        assertThat(stream.packetsRepaired()).isOne();
    }

    @Test
    void withoutNackNegotiatedEveryPacketPassesAndNothingIsSent() {
        RtpStreamRecv stream = stream(SSRC, true, false);
        assertThat(stream.acceptSequenceNumber(1, false)).isTrue();
        assertThat(stream.acceptSequenceNumber(5, false)).isTrue();
        assertThat(stream.acceptSequenceNumber(1, true)).isTrue();
        clock.advanceMillis(1000);
        stream.onNackTimer();
        assertThat(sent).isEmpty();
        assertThat(stream.packetsRepaired()).isZero();
    }

    @Test
    void aGapWiderThanTheNackListAsksForAKeyFrame() {
        RtpStreamRecv stream = stream(SSRC, true, true);
        stream.acceptSequenceNumber(0, false);
        stream.acceptSequenceNumber(NackGenerator.MAX_NACK_PACKETS + 10, false);
        assertThat(keyFramesNeeded).isOne();
    }

    @Test
    void rfc4588_section4_restoresTheOriginalFromRtxAndCountsIt() {
        RtpStreamRecv stream = stream(SSRC, true, true);
        int[] associatedPayloadTypes = new int[128];
        Arrays.fill(associatedPayloadTypes, -1);
        associatedPayloadTypes[RTX_PAYLOAD_TYPE] = PAYLOAD_TYPE;

        RtpPacket rtx = wrap(rtxPacket(7, 4242));
        assertThat(stream.restoreRtx(rtx, associatedPayloadTypes)).isTrue();
        assertThat(rtx.ssrc()).isEqualTo(SSRC);
        assertThat(rtx.payloadType()).isEqualTo(PAYLOAD_TYPE);
        assertThat(rtx.sequenceNumber()).as("the OSN").isEqualTo(4242);

        associatedPayloadTypes[RTX_PAYLOAD_TYPE] = -1;
        assertThat(stream.restoreRtx(wrap(rtxPacket(8, 4243)), associatedPayloadTypes))
                .as("no apt for its payload type").isFalse();
        assertThat(stream.rtxPacketsReceived()).isEqualTo(2);
    }

    @Test
    void rtxCannotBeRestoredBeforeTheMediaSsrcIsKnown() {
        RtpStreamRecv stream = stream(-1, true, true);
        int[] associatedPayloadTypes = new int[128];
        Arrays.fill(associatedPayloadTypes, -1);
        associatedPayloadTypes[RTX_PAYLOAD_TYPE] = PAYLOAD_TYPE;
        assertThat(stream.restoreRtx(wrap(rtxPacket(1, 1)), associatedPayloadTypes)).isFalse();
        stream.learnSsrc(SSRC);
        assertThat(stream.restoreRtx(wrap(rtxPacket(2, 2)), associatedPayloadTypes)).isTrue();
    }

    @Test
    void rfc4585_section6_3_1_throttlesPlisAndRetriesOneNoKeyFrameAnswered() {
        RtpStreamRecv stream = stream(SSRC, true, false);
        stream.requestKeyFrame();
        stream.requestKeyFrame();
        assertThat(sent).hasSize(1);
        assertThat(((FeedbackPsPli) sent.get(0)).mediaSsrc()).isEqualTo(SSRC);

        clock.advanceMillis(RtpStreamRecv.KEY_FRAME_REQUEST_INTERVAL_MS);
        stream.onKeyFrameRequestTimer();
        assertThat(sent).as("unanswered: repeated once").hasSize(2);
        clock.advanceMillis(RtpStreamRecv.KEY_FRAME_REQUEST_INTERVAL_MS);
        stream.onKeyFrameRequestTimer();
        assertThat(sent).as("only once").hasSize(2);
        assertThat(stream.stats().pliCount()).isEqualTo(2);
    }

    @Test
    void aRequestAfterAnAnsweredOneWaitsForTheIntervalAndAKeyFrameCancelsIt() {
        RtpStreamRecv stream = stream(SSRC, true, false);
        stream.requestKeyFrame();
        clock.advanceMillis(10);
        stream.onKeyFrame(clock.monotonicMillis());
        stream.requestKeyFrame();
        assertThat(sent).as("held back by the throttle").hasSize(1);
        clock.advanceMillis(RtpStreamRecv.KEY_FRAME_REQUEST_INTERVAL_MS);
        stream.onKeyFrameRequestTimer();
        assertThat(sent).as("sent when the interval ends").hasSize(2);

        clock.advanceMillis(10);
        stream.onKeyFrame(clock.monotonicMillis());
        stream.requestKeyFrame();
        stream.onKeyFrame(clock.advanceMillis(10));
        clock.advanceMillis(RtpStreamRecv.KEY_FRAME_REQUEST_INTERVAL_MS);
        stream.onKeyFrameRequestTimer();
        assertThat(sent).as("a key frame came first").hasSize(2);
        assertThat(stream.lastKeyFrameMs()).isEqualTo(clock.monotonicMillis() - RtpStreamRecv.KEY_FRAME_REQUEST_INTERVAL_MS);
    }

    @Test
    void audioAndUnknownSsrcsAskForNoKeyFrame() {
        stream(SSRC, false, false).requestKeyFrame();
        stream(-1, true, false).requestKeyFrame();
        assertThat(sent).isEmpty();
    }

    @Test
    void rfc3550_section6_4_1_keepsTheSenderReportPairAndEchoesItsNtpTimeAsLsr() {
        RtpStreamRecv stream = stream(SSRC, true, false);
        stream.onPacket(packet(1), clock.monotonicMillis());
        assertThat(stream.hasSenderReport()).isFalse();
        long seconds = 3_900_000_000L;
        long quarter = 1L << 30;
        stream.onSenderReport(new SenderReport(SSRC, seconds << 32 | quarter, 123_456, 0, 0, List.of()),
                clock.monotonicMillis());
        assertThat(stream.hasSenderReport()).isTrue();
        assertThat(stream.senderReportNtpMs()).isEqualTo(seconds * 1000 + 250);
        assertThat(stream.senderReportRtpTimestamp()).isEqualTo(123_456);

        clock.advanceMillis(500);
        ReportBlock block = stream.stats().reportBlock(SSRC, clock.monotonicMillis());
        assertThat(block.lastSenderReport()).as("the middle 32 bits of the NTP time")
                .isEqualTo((seconds & 0xFFFF) << 16 | quarter >>> 16);
        assertThat(block.delaySinceLastSenderReport()).as("0.5 s in 1/65536 s").isEqualTo(32768);
    }

    @Test
    void aStreamIsActiveFromItsFirstForwardedPacketUntilItFallsSilent() {
        RtpStreamRecv stream = stream(SSRC, true, false);
        stream.onMediaPacket(clock.monotonicMillis());
        assertThat(stream.markActive()).as("started").isTrue();
        assertThat(stream.markActive()).as("only once").isFalse();
        clock.advanceMillis(RtpStreamRecv.INACTIVE_AFTER_MS - 1);
        assertThat(stream.checkStopped(clock.monotonicMillis())).isFalse();
        clock.advanceMillis(1);
        assertThat(stream.checkStopped(clock.monotonicMillis())).isTrue();
        assertThat(stream.active()).isFalse();
        assertThat(stream.checkStopped(clock.monotonicMillis())).as("told once").isFalse();
    }

    private static RtpPacket packet(int sequenceNumber) {
        ByteBuf buf = Unpooled.buffer();
        buf.writeByte(0x80).writeByte(PAYLOAD_TYPE).writeShort(sequenceNumber);
        buf.writeInt(3000 * sequenceNumber).writeInt((int) SSRC).writeInt(0xCAFEBABE);
        return wrap(buf);
    }

    /** RFC 4588 §4: the RTX payload starts with the original sequence number. */
    private static ByteBuf rtxPacket(int rtxSequenceNumber, int originalSequenceNumber) {
        ByteBuf buf = Unpooled.buffer();
        buf.writeByte(0x80).writeByte(RTX_PAYLOAD_TYPE).writeShort(rtxSequenceNumber);
        buf.writeInt(3000).writeInt((int) RTX_SSRC);
        buf.writeShort(originalSequenceNumber).writeInt(0xCAFEBABE);
        return buf;
    }

    private static RtpPacket wrap(ByteBuf buf) {
        RtpPacket view = new RtpPacket();
        assertThat(view.wrap(buf)).isTrue();
        return view;
    }
}
