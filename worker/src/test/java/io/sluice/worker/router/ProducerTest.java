package io.sluice.worker.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.RtcpParameters;
import io.sluice.api.v1.RtpCapabilities;
import io.sluice.api.v1.RtpCodecCapability;
import io.sluice.api.v1.RtpCodecParameters;
import io.sluice.api.v1.RtpEncodingParameters;
import io.sluice.api.v1.RtpParameters;
import io.sluice.worker.router.SimpleConsumerTest.RecordingTransport;
import io.sluice.worker.router.ortc.RtpMapping;
import io.sluice.worker.rtcp.FeedbackPsPli;
import io.sluice.worker.rtp.RtpPacket;
import io.sluice.worker.testsupport.ApiOrtc;
import io.sluice.worker.testsupport.TestClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A producer alone, with a recording listener and transport and the test clock: what it tells its
 * listener (pause, resume, stream activity) and how it throttles and retries key-frame requests
 * towards the sender (RFC 4585 §6.3.1 PLI).
 */
class ProducerTest {

    private static final long SSRC = 0x1234_5678L;
    private static final int PAYLOAD_TYPE = 101;

    private final TestClock clock = new TestClock(1_000_000, TestClock.DEFAULT_EPOCH_MILLIS);
    private final RecordingTransport sending = new RecordingTransport(0);
    private final List<String> heard = new ArrayList<>();
    private Producer producer;

    @BeforeEach
    void createProducer() throws Exception {
        RtpCapabilities capabilities = ApiOrtc.generateRouterRtpCapabilities(List.of(RtpCodecCapability.newBuilder()
                .setKind(MediaKind.VIDEO).setMimeType("video/VP8").setClockRate(90000).build()));
        RtpParameters parameters = ApiOrtc.validateRtpParameters(RtpParameters.newBuilder()
                .addCodecs(RtpCodecParameters.newBuilder().setMimeType("video/VP8").setPayloadType(PAYLOAD_TYPE)
                        .setClockRate(90000))
                .addEncodings(RtpEncodingParameters.newBuilder().setSsrc((int) SSRC))
                .setRtcp(RtcpParameters.newBuilder().setCname("producer"))
                .build());
        RtpMapping mapping = ApiOrtc.getProducerRtpParametersMapping(parameters, capabilities, new SplittableRandom(1));
        RtpParameters consumable = ApiOrtc.getConsumableRtpParameters(MediaKind.VIDEO, parameters, capabilities, mapping);
        producer = new Producer("p", ApiOrtc.domain(MediaKind.VIDEO), sending, ApiOrtc.domain(parameters), mapping,
                ApiOrtc.domain(consumable), false, Map.of(), new Producer.Listener() {
                    @Override
                    public void onProducerRtp(Producer producer, int stream, RtpPacket packet) {
                        heard.add("rtp " + stream);
                    }

                    @Override
                    public void onProducerPaused(Producer producer) {
                        heard.add("paused");
                    }

                    @Override
                    public void onProducerResumed(Producer producer) {
                        heard.add("resumed");
                    }

                    @Override
                    public void onProducerStreamActivity(Producer producer, int stream, boolean active) {
                        heard.add("stream " + stream + (active ? " active" : " inactive"));
                    }
                }, clock, ByteBufAllocator.DEFAULT);
    }

    @AfterEach
    void releaseWhatWasSent() {
        sending.rtcp.forEach(ByteBuf::release);
    }

    @Test
    void pauseAndResumeTellTheListenerOncePerChange() {
        assertThat(producer.pause()).isTrue();
        assertThat(producer.pause()).as("already paused").isFalse();
        assertThat(producer.resume()).isTrue();
        assertThat(producer.resume()).isFalse();

        assertThat(heard).containsExactly("paused", "resumed");
    }

    @Test
    void aStreamThatFallsSilentIsReportedInactiveOnceAfterItsTimeout() {
        receive(1);
        clock.advanceMillis(Producer.STREAM_INACTIVE_AFTER_MS - 1);
        producer.onActivityTimer();
        assertThat(producer.stream(0).active()).isTrue();

        clock.advanceMillis(1);
        producer.onActivityTimer();
        producer.onActivityTimer();

        assertThat(producer.stream(0).active()).isFalse();
        assertThat(heard).containsExactly("stream 0 active", "rtp 0", "stream 0 inactive");
    }

    @Test
    void keyFrameRequestsAreThrottledAndAnUnansweredOneIsRetriedOnce() {
        producer.requestKeyFrame();
        producer.requestKeyFrame();
        assertThat(plisSent()).as("the second falls within the interval").containsExactly(SSRC);

        clock.advanceMillis(RtpStreamRecv.KEY_FRAME_REQUEST_INTERVAL_MS);
        producer.onKeyFrameRequestTimer();
        assertThat(plisSent()).as("no key frame answered: one retry").containsExactly(SSRC, SSRC);

        clock.advanceMillis(RtpStreamRecv.KEY_FRAME_REQUEST_INTERVAL_MS);
        producer.onKeyFrameRequestTimer();
        assertThat(plisSent()).as("and only one").hasSize(2);
        assertThat(producer.keyFrameRequestsSent()).isEqualTo(2);
    }

    private List<Long> plisSent() {
        return sending.rtcp.stream().map(packet -> FeedbackPsPli.parse(packet, packet.readerIndex(),
                packet.readableBytes()).mediaSsrc()).toList();
    }

    /** RFC 3550 §5.1: a VP8 packet (RFC 7741 §4.2 descriptor: S bit, partition 0), not a key frame. */
    private void receive(int sequence) {
        ByteBuf packet = Unpooled.buffer();
        packet.writeByte(0x80).writeByte(PAYLOAD_TYPE).writeShort(sequence).writeInt(sequence * 3000)
                .writeInt((int) SSRC).writeByte(0x10).writeByte(0x01).writeZero(20);
        try {
            RtpPacket view = new RtpPacket();
            assertThat(view.wrap(packet)).isTrue();
            assertThat(producer.receive(view)).isTrue();
        } finally {
            packet.release();
        }
    }
}
