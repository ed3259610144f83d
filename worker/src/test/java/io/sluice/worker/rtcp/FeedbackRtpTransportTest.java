package io.sluice.worker.rtcp;

import static io.sluice.worker.rtcp.FeedbackRtpTransport.NOT_RECEIVED;
import static io.sluice.worker.rtcp.FeedbackRtpTransport.RECEIVED_LARGE_DELTA;
import static io.sluice.worker.rtcp.FeedbackRtpTransport.RECEIVED_SMALL_DELTA;
import static io.sluice.worker.rtcp.RtcpTesting.serialize;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.sluice.worker.rtp.TestBuffers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FeedbackRtpTransportTest {

    private final TestBuffers buffers = new TestBuffers();

    @AfterEach
    void releaseAndCheckRefCnt() {
        buffers.close();
    }

    /** 43 sequence numbers from 100 with every kind of chunk and delta, padded with the P bit. */
    static int[] transportFeedback() {
        return new int[] {
            0xaf, 0xcd, 0x00, 0x0c, // V=2, P=1, FMT=15, PT=205, length 12 (52 bytes)
            0x00, 0x00, 0x00, 0x01, // SSRC of packet sender
            0x12, 0x34, 0x56, 0x78, // SSRC of media source
            0x00, 0x64, 0x00, 0x2b, // base sequence number 100, packet status count 43
            0xff, 0xff, 0xfe, 0x05, // reference time -2 (x 64 ms), fb pkt. count 5
            0xb7, 0xf3,             // status vector, 1-bit: 1 1 0 1 1 1 1 1 1 1 0 0 1 1 (100-113)
            0xe4, 0x65,             // status vector, 2-bit: 2 1 0 1 2 1 1 (114-120)
            0x00, 0x14,             // run length: 20 x not received (121-140)
            0x20, 0x02,             // run length: 2 x small delta (141-142)
            0x04, 0x00, 0x08, 0x01, // small deltas of 100, 101, 103, 104
            0x02, 0x03, 0x04, 0x05, // 105, 106, 107, 108
            0x06, 0xff, 0x00,       // 109, 112 (255 ticks), 113
            0xff, 0xfc,             // large delta of 114: -4 ticks (-1 ms)
            0x10, 0x20,             // small deltas of 115, 117
            0x03, 0xe8,             // large delta of 118: 1000 ticks
            0x01, 0x02,             // small deltas of 119, 120
            0x40, 0x41,             // small deltas of 141, 142
            0x00, 0x00, 0x03,       // padding, count 3
        };
    }

    @Test
    void draftHolmer_section3_1_parseEveryChunkKindAndDelta() {
        ByteBuf buf = buffers.of(transportFeedback());

        FeedbackRtpTransport feedback = FeedbackRtpTransport.parse(buf, 0, buf.readableBytes());

        assertThat(feedback).isNotNull();
        assertThat(feedback.packetType()).isEqualTo(205);
        assertThat(feedback.count()).isEqualTo(15);
        assertThat(feedback.senderSsrc()).isEqualTo(1);
        assertThat(feedback.mediaSsrc()).isEqualTo(0x12345678L);
        assertThat(feedback.baseSequenceNumber()).isEqualTo(100);
        assertThat(feedback.packetStatusCount()).isEqualTo(43);
        assertThat(feedback.referenceTime()).isEqualTo(-2);
        assertThat(feedback.referenceTimeMicros()).isEqualTo(-128_000);
        assertThat(feedback.feedbackPacketCount()).isEqualTo(5);
        assertThat(feedback.receivedCount()).isEqualTo(19);
        int[] expectedStatuses = {
            1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1,
            2, 1, 0, 1, 2, 1, 1,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            1, 1,
        };
        int[] expectedDeltas = {
            4, 0, 0, 8, 1, 2, 3, 4, 5, 6, 0, 0, 255, 0,
            -4, 16, 0, 32, 1000, 1, 2,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            64, 65,
        };
        for (int i = 0; i < 43; i++) {
            assertThat(feedback.status(i)).as("status of %d", 100 + i).isEqualTo(expectedStatuses[i]);
            assertThat(feedback.receiveDeltaTicks(i)).as("delta of %d", 100 + i).isEqualTo(expectedDeltas[i]);
            assertThat(feedback.isReceived(i)).isEqualTo(expectedStatuses[i] != NOT_RECEIVED);
            assertThat(feedback.sequenceNumber(i)).isEqualTo(100 + i);
        }
        assertThat(serialize(buffers, feedback)).isEqualTo(TestBuffers.bytes(transportFeedback()));
    }

    @Test
    void draftHolmer_section3_1_zeroPaddingWithoutThePBitIsAlsoAccepted() {
        int[] bytes = transportFeedback();
        bytes[0] = 0x8f;                 // P=0
        bytes[bytes.length - 1] = 0x00;  // plain zero padding
        ByteBuf buf = buffers.of(bytes);

        FeedbackRtpTransport feedback = FeedbackRtpTransport.parse(buf, 0, buf.readableBytes());

        assertThat(feedback).isNotNull();
        assertThat(feedback.receiveDeltaTicks(42)).isEqualTo(65);
    }

    @Test
    void draftHolmer_section3_1_3_runLengthLongerThanTheStatusCountIsClamped() {
        int[] bytes = {
            0x8f, 0xcd, 0x00, 0x05, // FMT=15, length 5 (24 bytes)
            0x00, 0x00, 0x00, 0x01,
            0x00, 0x00, 0x00, 0x02,
            0xff, 0xff, 0x00, 0x03, // base 65535, 3 statuses (65535, 0, 1)
            0x00, 0x00, 0x01, 0x00, // reference time 1, fb pkt. count 0
            0x1f, 0xff, 0x00, 0x00, // run length: 8191 x not received; padding
        };
        ByteBuf buf = buffers.of(bytes);

        FeedbackRtpTransport feedback = FeedbackRtpTransport.parse(buf, 0, buf.readableBytes());

        assertThat(feedback).isNotNull();
        assertThat(feedback.packetStatusCount()).isEqualTo(3);
        assertThat(feedback.receivedCount()).isZero();
        assertThat(feedback.sequenceNumber(1)).isZero();
    }

    @Test
    void draftHolmer_section3_1_builderReportsGapsAndDeltasOnTheAbsoluteGrid() {
        FeedbackRtpTransportBuilder builder = new FeedbackRtpTransportBuilder(1200);
        builder.reset(1, 0x12345678L, 7);
        long base = 10 * 64_000L + 1_000; // 1 ms after reference time 10

        assertThat(builder.isEmpty()).isTrue();
        assertThat(builder.addReceived(65534, base)).isTrue();
        assertThat(builder.addReceived(65535, base + 500)).isTrue();  // +2 ticks
        assertThat(builder.addReceived(1, base + 250)).isTrue();      // 0 lost; 1 arrived earlier: -1 tick
        assertThat(builder.addReceived(2, base + 100_250)).isTrue(); // +100 ms: 400 ticks, large
        FeedbackRtpTransport feedback = builder.build();

        assertThat(feedback.baseSequenceNumber()).isEqualTo(65534);
        assertThat(feedback.packetStatusCount()).isEqualTo(5);
        assertThat(feedback.referenceTime()).isEqualTo(10);
        assertThat(feedback.feedbackPacketCount()).isEqualTo(7);
        int[] statuses = {RECEIVED_SMALL_DELTA, RECEIVED_SMALL_DELTA, NOT_RECEIVED, RECEIVED_LARGE_DELTA,
            RECEIVED_LARGE_DELTA};
        int[] deltas = {4, 2, 0, -1, 400};
        for (int i = 0; i < statuses.length; i++) {
            assertThat(feedback.status(i)).isEqualTo(statuses[i]);
            assertThat(feedback.receiveDeltaTicks(i)).isEqualTo(deltas[i]);
        }
        ByteBuf buf = buffers.empty(64);
        feedback.writeTo(buf);
        assertThat(FeedbackRtpTransport.parse(buf, 0, buf.readableBytes())).isEqualTo(feedback);
    }

    @Test
    void draftHolmer_section3_1_builderRefusesWhatItCannotCarry() {
        FeedbackRtpTransportBuilder builder = new FeedbackRtpTransportBuilder(1200);
        builder.reset(1, 2, 0);
        assertThat(builder.addReceived(10, 1_000_000)).isTrue();

        assertThat(builder.addReceived(10, 1_000_250)).as("same sequence number").isFalse();
        assertThat(builder.addReceived(9, 1_000_250)).as("older sequence number").isFalse();
        assertThat(builder.addReceived(11, 1_000_000 + 8_192_000L)).as("delta over 2^15 ticks").isFalse();
        assertThat(builder.addReceived(11, 1_000_000 - 8_192_250L)).as("delta under -2^15 ticks").isFalse();
        assertThat(builder.addReceived(11, 1_000_250)).isTrue();

        FeedbackRtpTransport feedback = builder.build();
        assertThat(feedback.packetStatusCount()).isEqualTo(2);
        assertThat(feedback.receiveDeltaTicks(1)).isEqualTo(1);
    }

    @Test
    void draftHolmer_section3_1_builderStopsAtTheMaximumLength() {
        FeedbackRtpTransportBuilder builder = new FeedbackRtpTransportBuilder(40);
        builder.reset(1, 2, 0);
        int added = 0;
        // Alternating received / lost forces a vector chunk per 14 statuses and a byte per packet.
        while (builder.addReceived(2 * added, 1_000_000 + 1000L * added)) {
            added++;
        }
        FeedbackRtpTransport feedback = builder.build();

        assertThat(feedback.serializedLength()).isLessThanOrEqualTo(40);
        assertThat(feedback.receivedCount()).isEqualTo(added);
        assertThat(added).isGreaterThan(5);
        // One more would not have fit: the refused packet left the builder unchanged.
        assertThat(feedback.packetStatusCount()).isEqualTo(2 * added - 1);
    }

    @Test
    void draftHolmer_section3_1_builderIsReusable() {
        FeedbackRtpTransportBuilder builder = new FeedbackRtpTransportBuilder(1200);
        builder.reset(1, 2, 0);
        for (int i = 0; i < 200; i++) {
            assertThat(builder.addReceived(i, 1_000_000 + 250L * i)).isTrue();
        }
        builder.reset(1, 2, 1);
        assertThat(builder.addReceived(500, 2_000_000)).isTrue();

        FeedbackRtpTransport feedback = builder.build();

        assertThat(feedback.baseSequenceNumber()).isEqualTo(500);
        assertThat(feedback.packetStatusCount()).isEqualTo(1);
        assertThat(feedback.feedbackPacketCount()).isEqualTo(1);
        assertThat(feedback.serializedLength()).isEqualTo(24);
    }

    @Test
    void draftHolmer_section3_1_2_longLossUsesRunLengthChunks() {
        FeedbackRtpTransportBuilder builder = new FeedbackRtpTransportBuilder(1200);
        builder.reset(1, 2, 0);
        assertThat(builder.addReceived(0, 0)).isTrue();
        assertThat(builder.addReceived(10_001, 250)).isTrue();

        FeedbackRtpTransport feedback = builder.build();
        ByteBuf buf = buffers.empty(64);
        feedback.writeTo(buf);

        // 1 received and 13 lost in a one-bit vector, then 9987 lost in two runs (8191 + 1796),
        // then a run of 1 received.
        assertThat(buf.getUnsignedShort(20)).isEqualTo(0xa000);
        assertThat(buf.getUnsignedShort(22)).isEqualTo(0x1fff);
        assertThat(buf.getUnsignedShort(24)).isEqualTo(1796);
        assertThat(buf.getUnsignedShort(26)).isEqualTo(0x2001);
        assertThat(FeedbackRtpTransport.parse(buf, 0, buf.readableBytes())).isEqualTo(feedback);
    }
}
