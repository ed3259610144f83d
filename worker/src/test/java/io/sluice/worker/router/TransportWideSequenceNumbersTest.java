package io.sluice.worker.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.RtcpFeedback;
import io.sluice.api.v1.RtcpParameters;
import io.sluice.api.v1.RtpCapabilities;
import io.sluice.api.v1.RtpCodecCapability;
import io.sluice.api.v1.RtpCodecParameters;
import io.sluice.api.v1.RtpEncodingParameters;
import io.sluice.api.v1.RtpHeaderExtensionParameters;
import io.sluice.api.v1.RtpParameters;
import io.sluice.worker.router.SimpleConsumerTest.FanOut;
import io.sluice.worker.router.SimpleConsumerTest.RecordingTransport;
import io.sluice.worker.testsupport.ApiOrtc;
import io.sluice.worker.router.ortc.RtpHeaderExtensionUris;
import io.sluice.worker.router.ortc.RtpMapping;
import io.sluice.worker.rtcp.FeedbackRtpNack;
import io.sluice.worker.rtp.RtpPacket;
import io.sluice.worker.testsupport.TestClock;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import java.util.Map;

/**
 * draft-holmer-rmcat-transport-wide-cc-extensions-01 §2 on the sending side: two consumers on one
 * transport number their packets, media and retransmissions, from the transport's one counter,
 * written into the element under each consumer's own id (added when the producer's packet has
 * none) and recorded in the transport's send history; a consumer that did not negotiate the
 * extension sends none.
 */
class TransportWideSequenceNumbersTest {

    private static final long PRODUCER_SSRC = 0x11223344L;
    private static final int PRODUCER_PT = 101;
    private static final int PRODUCER_TWCC_ID = 3;

    private final PooledByteBufAllocator allocator = new PooledByteBufAllocator(true);
    private final TestClock clock = new TestClock(5000, TestClock.DEFAULT_EPOCH_MILLIS);
    private final RecordingTransport sending = new RecordingTransport(0);
    private final RecordingTransport receiving = new RecordingTransport(10);
    private final RecordingTransport other = new RecordingTransport(10);
    private final FanOut fanOut = new FanOut();
    private final List<ByteBuf> incoming = new ArrayList<>();
    private RtpCapabilities routerCapabilities;
    private Producer producer;
    private TransportMedia receivingMedia;

    @BeforeEach
    void createProducer() throws Exception {
        routerCapabilities = ApiOrtc.generateRouterRtpCapabilities(List.of(RtpCodecCapability.newBuilder()
                .setKind(MediaKind.VIDEO).setMimeType("video/VP8").setClockRate(90000).build()));
        RtpParameters parameters = ApiOrtc.validateRtpParameters(RtpParameters.newBuilder()
                .addCodecs(RtpCodecParameters.newBuilder().setMimeType("video/VP8").setPayloadType(PRODUCER_PT)
                        .setClockRate(90000).addRtcpFeedback(RtcpFeedback.newBuilder().setType("nack")))
                .addHeaderExtensions(RtpHeaderExtensionParameters.newBuilder()
                        .setUri(RtpHeaderExtensionUris.TRANSPORT_WIDE_CC_01).setId(PRODUCER_TWCC_ID))
                .addEncodings(RtpEncodingParameters.newBuilder().setSsrc((int) PRODUCER_SSRC))
                .setRtcp(RtcpParameters.newBuilder().setCname("test"))
                .build());
        RtpMapping mapping = ApiOrtc.getProducerRtpParametersMapping(parameters, routerCapabilities, new SplittableRandom(1));
        RtpParameters consumable = ApiOrtc.getConsumableRtpParameters(MediaKind.VIDEO, parameters, routerCapabilities, mapping);
        producer = new Producer("p", ApiOrtc.domain(MediaKind.VIDEO), sending, ApiOrtc.domain(parameters), mapping, ApiOrtc.domain(consumable), false,
                Map.of(), fanOut, clock, allocator);
        receivingMedia = new TransportMedia(receiving);
    }

    private SimpleConsumer consumer(String id, RecordingTransport transport, RtpCapabilities capabilities, int seed)
            throws Exception {
        RtpParameters parameters = ApiOrtc.getConsumerRtpParameters(ApiOrtc.api(producer.consumableRtpParameters()), capabilities,
                false, true, new SplittableRandom(seed));
        SimpleConsumer consumer = new SimpleConsumer(id, producer, transport, ApiOrtc.domain(parameters), false,
                Map.of(), clock, allocator);
        fanOut.consumers.add(consumer);
        if (transport == receiving) {
            receivingMedia.addConsumer(consumer);
        }
        return consumer;
    }

    private static int twccId(Consumer consumer) {
        return ApiOrtc.api(consumer.rtpParameters()).getHeaderExtensionsList().stream()
                .filter(extension -> extension.getUri().equals(RtpHeaderExtensionUris.TRANSPORT_WIDE_CC_01))
                .mapToInt(RtpHeaderExtensionParameters::getId).findFirst().orElse(0);
    }

    @AfterEach
    void releaseEverything() {
        fanOut.consumers.forEach(Consumer::close);
        sending.releaseAll();
        receiving.releaseAll();
        other.releaseAll();
        incoming.forEach(ByteBuf::release);
    }

    /** A packet with the sender's own transport-wide number, 0x7777. */
    private void receive(int sequenceNumber) {
        ByteBuf buf = Unpooled.buffer();
        buf.writeByte(0x90).writeByte(PRODUCER_PT).writeShort(sequenceNumber);
        buf.writeInt(3000 * sequenceNumber).writeInt((int) PRODUCER_SSRC);
        buf.writeShort(RtpPacket.ONE_BYTE_EXTENSION_PROFILE).writeShort(1);
        buf.writeByte(PRODUCER_TWCC_ID << 4 | 1).writeShort(0x7777).writeByte(0);
        buf.writeLong(sequenceNumber);
        incoming.add(buf);
        RtpPacket view = new RtpPacket();
        assertThat(view.wrap(buf)).isTrue();
        assertThat(producer.receive(view)).isTrue();
    }

    /** A packet without any header extension, as ffmpeg sends. */
    private void receiveBare(int sequenceNumber) {
        ByteBuf buf = Unpooled.buffer();
        buf.writeByte(0x80).writeByte(PRODUCER_PT).writeShort(sequenceNumber);
        buf.writeInt(3000 * sequenceNumber).writeInt((int) PRODUCER_SSRC);
        buf.writeLong(0x0102030405060708L).writeInt(sequenceNumber);
        incoming.add(buf);
        RtpPacket view = new RtpPacket();
        assertThat(view.wrap(buf)).isTrue();
        assertThat(producer.receive(view)).isTrue();
    }

    private static List<Integer> numbers(List<ByteBuf> sent, int... ids) {
        List<Integer> numbers = new ArrayList<>();
        RtpPacket view = new RtpPacket();
        for (int i = 0; i < sent.size(); i++) {
            assertThat(view.wrap(sent.get(i))).isTrue();
            numbers.add(view.transportWideSequenceNumber(ids[i % ids.length]));
        }
        return numbers;
    }

    @Test
    void twoConsumersOnOneTransportNumberFromOneCounter() throws Exception {
        SimpleConsumer first = consumer("a", receiving, routerCapabilities, 2);
        SimpleConsumer second = consumer("b", receiving, routerCapabilities, 3);
        int id = twccId(first);
        assertThat(id).isNotZero().isEqualTo(twccId(second));
        for (int sequenceNumber = 10; sequenceNumber < 15; sequenceNumber++) {
            receive(sequenceNumber);
            clock.advanceMillis(10);
        }
        assertThat(numbers(receiving.rtp, id)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        assertThat(receiving.bandwidthEstimator.history().packetsSent()).isEqualTo(10);
        assertThat(receiving.bandwidthEstimator.history().bytesSent())
                .isEqualTo(receiving.rtp.stream().mapToLong(ByteBuf::readableBytes).sum());

        FeedbackRtpNack nack = FeedbackRtpNack.ofLostSequenceNumbers(1, second.ssrc(), new int[] {11});
        ByteBuf rtcp = Unpooled.buffer(nack.serializedLength());
        nack.writeTo(rtcp);
        receivingMedia.onRtcp(rtcp);
        rtcp.release();
        receive(15);
        assertThat(receiving.rtp).hasSize(13);
        RtpPacket resent = new RtpPacket();
        resent.wrap(receiving.rtp.get(10));
        assertThat(resent.ssrc()).as("RTX").isEqualTo(Integer.toUnsignedLong(
                ApiOrtc.api(second.rtpParameters()).getEncodings(0).getRtx().getSsrc()));
        assertThat(resent.transportWideSequenceNumber(id)).as("a resend is numbered too").isEqualTo(11);
        assertThat(numbers(receiving.rtp.subList(11, 13), id)).containsExactly(12, 13);
    }

    @Test
    void aPacketWithoutTheElementGetsOneAddedAndResendsAreNumberedToo() throws Exception {
        SimpleConsumer consumer = consumer("a", receiving, routerCapabilities, 2);
        int id = twccId(consumer);
        receive(1);
        receiveBare(2);
        receiveBare(3);
        assertThat(numbers(receiving.rtp, id)).containsExactly(1, 2, 3);
        RtpPacket view = new RtpPacket();
        view.wrap(receiving.rtp.get(2));
        assertThat(view.hasOneByteExtensions()).isTrue();
        assertThat(view.payloadLength()).isEqualTo(12);
        assertThat(view.buffer().getLong(view.payloadOffset())).as("payload moved intact").isEqualTo(0x0102030405060708L);
        assertThat(view.buffer().getInt(view.payloadOffset() + 8)).isEqualTo(3);

        FeedbackRtpNack nack = FeedbackRtpNack.ofLostSequenceNumbers(1, consumer.ssrc(), new int[] {3});
        ByteBuf rtcp = Unpooled.buffer(nack.serializedLength());
        nack.writeTo(rtcp);
        receivingMedia.onRtcp(rtcp);
        rtcp.release();
        assertThat(receiving.rtp).hasSize(4);
        RtpPacket resent = new RtpPacket();
        resent.wrap(receiving.rtp.get(3));
        assertThat(resent.transportWideSequenceNumber(id)).as("the resend of a bare packet").isEqualTo(4);
        assertThat(receiving.bandwidthEstimator.history().packetsSent()).isEqualTo(4);
    }

    @Test
    void eachTransportHasItsOwnCounter() throws Exception {
        SimpleConsumer first = consumer("a", receiving, routerCapabilities, 2);
        consumer("b", other, routerCapabilities, 3);
        receive(1);
        receive(2);
        int id = twccId(first);
        assertThat(numbers(receiving.rtp, id)).containsExactly(1, 2);
        assertThat(numbers(other.rtp, id)).containsExactly(1, 2);
    }

    @Test
    void aConsumerWithoutTheExtensionSendsNone() throws Exception {
        RtpCapabilities without = routerCapabilities.toBuilder().clearHeaderExtensions()
                .addAllHeaderExtensions(routerCapabilities.getHeaderExtensionsList().stream()
                        .filter(extension -> !extension.getUri().equals(RtpHeaderExtensionUris.TRANSPORT_WIDE_CC_01))
                        .toList())
                .build();
        SimpleConsumer consumer = consumer("a", receiving, without, 2);
        assertThat(twccId(consumer)).isZero();
        receive(1);
        RtpPacket view = new RtpPacket();
        view.wrap(receiving.rtp.get(0));
        for (int id = 1; id <= 14; id++) {
            assertThat(view.transportWideSequenceNumber(id)).isEqualTo(-1);
        }
        assertThat(receiving.bandwidthEstimator.history().packetsSent()).isZero();
    }
}
