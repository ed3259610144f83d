package io.sluice.worker.rtcp;

import static io.sluice.worker.rtcp.RtcpTesting.concat;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.sluice.worker.rtp.TestBuffers;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RtcpCompoundTest {

    private final TestBuffers buffers = new TestBuffers();

    @AfterEach
    void releaseAndCheckRefCnt() {
        buffers.close();
    }

    private byte[] write(List<RtcpPacket> packets) {
        ByteBuf out = buffers.empty(16);
        RtcpCompound.write(packets, out);
        assertThat(out.readableBytes()).isEqualTo(RtcpCompound.serializedLength(packets));
        return TestBuffers.readable(out);
    }

    @Test
    void rfc3550_section6_1_senderReportAndSdes() {
        int[] bytes = concat(SenderReportTest.senderReport(), SourceDescriptionTest.cnameSdes());
        ByteBuf buf = buffers.of(bytes);

        List<RtcpPacket> packets = RtcpCompound.parse(buf);

        assertThat(packets).hasSize(2);
        assertThat(packets.get(0)).isInstanceOfSatisfying(SenderReport.class,
            sr -> assertThat(sr.senderSsrc()).isEqualTo(0x5d931534L));
        assertThat(packets.get(1)).isInstanceOfSatisfying(SourceDescription.class,
            sdes -> assertThat(sdes.cname()).isEqualTo("Zz72k8K7oRLDAdQB"));
        assertThat(write(packets)).isEqualTo(TestBuffers.bytes(bytes));
    }

    @Test
    void rfc3550_section6_1_receiverReportSdesAndPli() {
        int[] bytes = concat(ReceiverReportTest.emptyReceiverReport(), SourceDescriptionTest.cnameSdes(),
            FeedbackPsPliTest.pli());
        ByteBuf buf = buffers.of(bytes);

        List<RtcpPacket> packets = RtcpCompound.parse(buf);

        assertThat(packets).extracting(Object::getClass).containsExactly(
            ReceiverReport.class, SourceDescription.class, FeedbackPsPli.class);
        assertThat(packets.get(2)).isEqualTo(new FeedbackPsPli(1, 0x039c6b27L));
        assertThat(write(packets)).isEqualTo(TestBuffers.bytes(bytes));
    }

    @Test
    void rfc5506_section3_reducedSizeSingleFeedbackPacket() {
        ByteBuf buf = buffers.of(FeedbackRtpNackTest.nack());

        List<RtcpPacket> packets = RtcpCompound.parse(buf);

        assertThat(packets).singleElement().isInstanceOf(FeedbackRtpNack.class);
    }

    @Test
    void everyTypeInOneCompoundRoundTrips() {
        int[] bytes = concat(SenderReportTest.senderReport(), ReceiverReportTest.receiverReport(),
            SourceDescriptionTest.twoChunkSdes(), ByeTest.byeWithReason(), FeedbackRtpNackTest.nack(),
            FeedbackPsPliTest.pli(), FeedbackPsFirTest.fir(), FeedbackPsRembTest.remb(),
            ExtendedReportTest.extendedReport(), FeedbackRtpTransportTest.transportFeedback());
        ByteBuf buf = buffers.of(bytes);

        List<RtcpPacket> packets = RtcpCompound.parse(buf);

        assertThat(packets).extracting(Object::getClass).containsExactly(
            SenderReport.class, ReceiverReport.class, SourceDescription.class, Bye.class,
            FeedbackRtpNack.class, FeedbackPsPli.class, FeedbackPsFir.class, FeedbackPsRemb.class,
            ExtendedReport.class, FeedbackRtpTransport.class);
        assertThat(write(packets)).isEqualTo(TestBuffers.bytes(bytes));
    }

    static int[] app() {
        return new int[] {
            0x81, 0xcc, 0x00, 0x03, // V=2, P=0, subtype 1, PT=204 (APP), length 3
            0x00, 0x00, 0x00, 0x01, // SSRC
            'n', 'a', 'm', 'e',     // name
            0xde, 0xad, 0xbe, 0xef, // application data
        };
    }

    static int[] sli() {
        return new int[] {
            0x82, 0xce, 0x00, 0x03, // FMT=2 (SLI, RFC 4585 §6.3.2), PT=206, length 3
            0x00, 0x00, 0x00, 0x01,
            0x00, 0x00, 0x00, 0x02,
            0x00, 0x08, 0x00, 0x01, // first, number, picture id
        };
    }

    static int[] applicationLayerFeedbackNotRemb() {
        return new int[] {
            0x8f, 0xce, 0x00, 0x03, // FMT=15, PT=206, length 3
            0x00, 0x00, 0x00, 0x01,
            0x00, 0x00, 0x00, 0x00,
            'A', 'B', 'C', 'D',     // some other application's identifier
        };
    }

    @Test
    void unknownTypesAreKeptRawAndWrittenBackUnchanged() {
        int[] bytes = concat(ReceiverReportTest.emptyReceiverReport(), app(), sli(),
            applicationLayerFeedbackNotRemb());
        ByteBuf buf = buffers.of(bytes);

        List<RtcpPacket> packets = RtcpCompound.parse(buf);

        assertThat(packets).extracting(Object::getClass).containsExactly(
            ReceiverReport.class, RawRtcpPacket.class, RawRtcpPacket.class, RawRtcpPacket.class);
        assertThat(packets.get(1).packetType()).isEqualTo(204);
        assertThat(packets.get(1).count()).isEqualTo(1);
        assertThat(packets.get(2).count()).isEqualTo(2);
        assertThat(packets.get(1)).isEqualTo(new RawRtcpPacket(TestBuffers.bytes(app())));
        assertThat(write(packets)).isEqualTo(TestBuffers.bytes(bytes));
    }

    @Test
    void rfc3550_section6_1_iteratorWalksHeadersInPlace() {
        int[] bytes = concat(ReceiverReportTest.emptyReceiverReport(), SourceDescriptionTest.cnameSdes(),
            FeedbackRtpTransportTest.transportFeedback());
        ByteBuf buf = buffers.of(bytes);
        RtcpCompoundIterator iterator = new RtcpCompoundIterator().reset(buf);

        assertThat(iterator.next()).isTrue();
        assertThat(iterator.packetType()).isEqualTo(RtcpHeader.TYPE_RR);
        assertThat(iterator.offset()).isZero();
        assertThat(iterator.packetLength()).isEqualTo(8);
        assertThat(iterator.senderSsrc()).isEqualTo(1);
        assertThat(iterator.next()).isTrue();
        assertThat(iterator.packetType()).isEqualTo(RtcpHeader.TYPE_SDES);
        assertThat(iterator.offset()).isEqualTo(8);
        assertThat(iterator.count()).isEqualTo(1);
        assertThat(iterator.next()).isTrue();
        assertThat(iterator.packetType()).isEqualTo(RtcpHeader.TYPE_RTPFB);
        assertThat(iterator.count()).isEqualTo(FeedbackRtpTransport.FMT);
        assertThat(iterator.packetLength()).isEqualTo(52);
        assertThat(iterator.contentLength()).isEqualTo(49);
        assertThat(iterator.buffer()).isSameAs(buf);
        assertThat(iterator.parse()).isInstanceOf(FeedbackRtpTransport.class);
        assertThat(iterator.next()).isFalse();
        assertThat(iterator.isMalformed()).isFalse();
        assertThat(buf.readerIndex()).isZero();
    }

    @Test
    void rfc5761_section4_demultiplexesRtcpFromRtpByPacketType() {
        ByteBuf rtcp = buffers.of(ReceiverReportTest.emptyReceiverReport());
        ByteBuf rtp = buffers.of(0x80, 0x60, 0x00, 0x01, 0, 0, 0, 2, 0, 0, 0, 3);
        ByteBuf rtpWithMarkerPt96 = buffers.of(0x80, 0xe0, 0x00, 0x01, 0, 0, 0, 2, 0, 0, 0, 3);

        assertThat(RtcpHeader.looksLikeRtcp(rtcp, 0, rtcp.readableBytes())).isTrue();
        assertThat(RtcpHeader.looksLikeRtcp(rtp, 0, rtp.readableBytes())).isFalse();
        assertThat(RtcpHeader.looksLikeRtcp(rtpWithMarkerPt96, 0, rtpWithMarkerPt96.readableBytes())).isFalse();
        assertThat(RtcpHeader.looksLikeRtcp(rtcp, 0, 3)).isFalse();
    }

    static Stream<Arguments> malformedCompounds() {
        int[] rr = ReceiverReportTest.emptyReceiverReport();
        return Stream.of(
            Arguments.of("empty", new int[] {}),
            Arguments.of("shorter than a header", new int[] {0x80, 0xc9, 0x00}),
            Arguments.of("bad version", new int[] {0x40, 0xc9, 0x00, 0x01, 0, 0, 0, 1}),
            Arguments.of("version 0 in the second packet", concat(rr, new int[] {0x00, 0xc9, 0x00, 0x01, 0, 0, 0, 1})),
            Arguments.of("length overrun", new int[] {0x80, 0xc9, 0x00, 0x02, 0, 0, 0, 1}),
            Arguments.of("trailing bytes shorter than a header", concat(rr, new int[] {0x80, 0xc9})),
            Arguments.of("padding count 0", new int[] {0xa0, 0xc9, 0x00, 0x01, 0, 0, 0, 0}),
            Arguments.of("padding bigger than the packet", new int[] {0xa0, 0xc9, 0x00, 0x01, 0, 0, 0, 0x09}),
            Arguments.of("padding eating the header", new int[] {0xa0, 0xc9, 0x00, 0x01, 0, 0, 0, 0x05}),
            Arguments.of("known type with a malformed body", concat(rr, new int[] {0x81, 0xc9, 0x00, 0x01, 0, 0, 0, 1})));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedCompounds")
    void rfc3550_appendixA_2_malformedCompoundsAreRejected(String name, int[] bytes) {
        ByteBuf buf = buffers.of(bytes);

        assertThat(RtcpCompound.parse(buf)).isNull();
        assertThat(buf.readerIndex()).isZero();
    }

    @Test
    void rfc3550_appendixA_2_iteratorStopsAtAMalformedHeader() {
        ByteBuf buf = buffers.of(concat(ReceiverReportTest.emptyReceiverReport(),
            new int[] {0x80, 0xc9, 0x00, 0x05, 0, 0, 0, 1}));
        RtcpCompoundIterator iterator = new RtcpCompoundIterator().reset(buf);

        assertThat(iterator.next()).isTrue();
        assertThat(iterator.next()).isFalse();
        assertThat(iterator.isMalformed()).isTrue();
        assertThat(iterator.next()).isFalse();
    }
}
