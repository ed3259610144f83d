package io.sluice.worker.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.ParameterValue;
import io.sluice.api.v1.RtcpFeedback;
import io.sluice.api.v1.RtcpParameters;
import io.sluice.api.v1.RtpCapabilities;
import io.sluice.api.v1.RtpCodecCapability;
import io.sluice.api.v1.RtpCodecParameters;
import io.sluice.api.v1.RtpEncodingParameters;
import io.sluice.api.v1.RtpHeaderExtensionParameters;
import io.sluice.api.v1.RtpParameters;
import io.sluice.worker.router.SimpleConsumerTest.RecordingTransport;
import io.sluice.worker.testsupport.ApiOrtc;
import io.sluice.worker.router.ortc.RtpHeaderExtensionUris;
import io.sluice.worker.router.ortc.RtpMapping;
import io.sluice.worker.rtcp.SenderReport;
import io.sluice.worker.rtp.RtpPacket;
import io.sluice.worker.testsupport.TestClock;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import java.util.Map;

/**
 * What a simulcast producer knows of each encoding: its type by mediasoup's rule, RTX streams
 * learned from the RepairedRtpStreamId extension (RFC 8852 §3.2), activity (a second of silence
 * stops an encoding), sender report NTP/RTP pairs (RFC 3550 §6.4.1), key frames seen and
 * key-frame requests for one encoding (RFC 4585 §6.3.1).
 */
class ProducerLayersTest {

    private static final int VP8_PT = 96;
    private static final int RTX_PT = 97;
    private static final int RID_ID = 10;
    private static final int RRID_ID = 11;
    private static final String[] RIDS = {"l", "m", "h"};

    private final TestClock clock = new TestClock(10_000, TestClock.DEFAULT_EPOCH_MILLIS);
    private final RecordingTransport sending = new RecordingTransport(0);
    private final List<String> activity = new ArrayList<>();
    private final List<Integer> forwardedSequenceNumbers = new ArrayList<>();

    @AfterEach
    void release() {
        sending.releaseAll();
    }

    private static RtpCodecParameters codec(String mimeType, int payloadType) {
        return RtpCodecParameters.newBuilder().setMimeType(mimeType).setPayloadType(payloadType).setClockRate(90000)
                .build();
    }

    private static io.sluice.worker.router.parameters.RtpParameters withEncodings(
            RtpCodecParameters codec, RtpEncodingParameters... encodings) {
        return ApiOrtc.domain(RtpParameters.newBuilder().addCodecs(codec).addAllEncodings(List.of(encodings)).build());
    }

    private static RtpEncodingParameters mode(String scalabilityMode) {
        return RtpEncodingParameters.newBuilder().setSsrc(1).setScalabilityMode(scalabilityMode).build();
    }

    @Test
    void theTypeFollowsMediasoupsRule() {
        RtpCodecParameters vp8 = codec("video/VP8", VP8_PT);
        RtpCodecParameters vp9 = codec("video/VP9", 98);
        RtpCodecParameters h264 = codec("video/H264", 99);
        RtpEncodingParameters plain = RtpEncodingParameters.newBuilder().setSsrc(1).build();
        assertThat(Producer.typeOf(withEncodings(vp8, plain))).isEqualTo(Producer.Type.SIMPLE);
        assertThat(Producer.typeOf(withEncodings(vp8, plain, plain, plain))).isEqualTo(Producer.Type.SIMULCAST);
        assertThat(Producer.typeOf(withEncodings(vp8, mode("L1T3")))).isEqualTo(Producer.Type.SIMULCAST);
        assertThat(Producer.typeOf(withEncodings(h264, mode("L1T2")))).isEqualTo(Producer.Type.SIMULCAST);
        assertThat(Producer.typeOf(withEncodings(vp9, mode("L3T3_KEY")))).isEqualTo(Producer.Type.SVC);
        assertThat(Producer.typeOf(withEncodings(vp9, mode("L1T3")))).isEqualTo(Producer.Type.SVC);
        assertThat(Producer.typeOf(withEncodings(vp9, mode("L1T1")))).isEqualTo(Producer.Type.SIMPLE);
        assertThat(Producer.typeOf(withEncodings(vp9, plain, plain))).isEqualTo(Producer.Type.SIMULCAST);
        assertThat(Producer.typeOf(withEncodings(codec("audio/opus", 111), mode("L1T3")))).isEqualTo(Producer.Type.SIMPLE);
    }

    private Producer ridProducer() throws Exception {
        RtpCapabilities capabilities = ApiOrtc.generateRouterRtpCapabilities(List.of(RtpCodecCapability.newBuilder()
                .setKind(MediaKind.VIDEO).setMimeType("video/VP8").setClockRate(90000).build()));
        RtpParameters.Builder given = RtpParameters.newBuilder()
                .addCodecs(codec("video/VP8", VP8_PT).toBuilder()
                        .addRtcpFeedback(RtcpFeedback.newBuilder().setType("nack")))
                .addCodecs(codec("video/rtx", RTX_PT).toBuilder()
                        .putParameters("apt", ParameterValue.newBuilder().setIntValue(VP8_PT).build()))
                .addHeaderExtensions(RtpHeaderExtensionParameters.newBuilder()
                        .setUri(RtpHeaderExtensionUris.RTP_STREAM_ID).setId(RID_ID))
                .addHeaderExtensions(RtpHeaderExtensionParameters.newBuilder()
                        .setUri(RtpHeaderExtensionUris.REPAIRED_RTP_STREAM_ID).setId(RRID_ID))
                .setRtcp(RtcpParameters.newBuilder().setCname("rid"));
        for (String rid : RIDS) {
            given.addEncodings(RtpEncodingParameters.newBuilder().setRid(rid).setScalabilityMode("L1T3"));
        }
        RtpParameters parameters = ApiOrtc.validateRtpParameters(given.build());
        RtpMapping mapping = ApiOrtc.getProducerRtpParametersMapping(parameters, capabilities, new SplittableRandom(5));
        RtpParameters consumable = ApiOrtc.getConsumableRtpParameters(MediaKind.VIDEO, parameters, capabilities, mapping);
        return new Producer("p", ApiOrtc.domain(MediaKind.VIDEO), sending, ApiOrtc.domain(parameters), mapping, ApiOrtc.domain(consumable), false,
                Map.of(), new Producer.Listener() {
                    @Override
                    public void onProducerRtp(Producer producer, int stream, RtpPacket packet) {
                        forwardedSequenceNumbers.add(packet.sequenceNumber());
                    }

                    @Override
                    public void onProducerPaused(Producer producer) {
                    }

                    @Override
                    public void onProducerResumed(Producer producer) {
                    }

                    @Override
                    public void onProducerStreamActivity(Producer producer, int stream, boolean active) {
                        activity.add(stream + (active ? " started" : " stopped"));
                    }
                }, clock, ByteBufAllocator.DEFAULT);
    }

    /**
     * An RTP packet with one one-byte header extension element (RFC 8285 §4.2) naming a rid, and a
     * VP8 payload: descriptor with S set, then the payload header's P bit (0: key frame).
     */
    private static boolean receive(Producer producer, int payloadType, int sequenceNumber, long ssrc, int extensionId,
            String rid, byte[] payload) {
        byte[] ridBytes = rid.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer out = ByteBuffer.allocate(12 + 4 + 4 + payload.length)
                .put((byte) 0x90).put((byte) payloadType).putShort((short) sequenceNumber)
                .putInt(sequenceNumber * 3000).putInt((int) ssrc)
                .putShort((short) 0xBEDE).putShort((short) 1)
                .put((byte) (extensionId << 4 | (ridBytes.length - 1))).put(ridBytes);
        while (out.position() % 4 != 0) {
            out.put((byte) 0);
        }
        out.put(payload);
        ByteBuf buf = Unpooled.wrappedBuffer(out.array(), 0, out.position());
        RtpPacket packet = new RtpPacket();
        assertThat(packet.wrap(buf)).isTrue();
        boolean taken = producer.receive(packet);
        buf.release();
        return taken;
    }

    private static byte[] vp8(boolean keyFrame) {
        return new byte[] {0x10, (byte) (keyFrame ? 0x00 : 0x01), 0, 0, 1, 2, 3};
    }

    @Test
    void anRtxStreamIsLearnedFromItsRepairedRidAndRestoresTheLostPacket() throws Exception {
        Producer producer = ridProducer();
        long mediaSsrc = 0xAAAA_0001L;
        long rtxSsrc = 0xBBBB_0001L;
        assertThat(receive(producer, VP8_PT, 100, mediaSsrc, RID_ID, "m", vp8(true))).isTrue();
        assertThat(receive(producer, VP8_PT, 102, mediaSsrc, RID_ID, "m", vp8(false))).isTrue();
        assertThat(producer.stream(1).ssrc()).isEqualTo(mediaSsrc);
        assertThat(producer.stream(1).rtxSsrc()).isEqualTo(-1);

        // RFC 4588 §4: the RTX payload starts with the original sequence number (101).
        byte[] rtxPayload = new byte[2 + vp8(false).length];
        rtxPayload[0] = 0;
        rtxPayload[1] = 101;
        System.arraycopy(vp8(false), 0, rtxPayload, 2, vp8(false).length);
        assertThat(receive(producer, RTX_PT, 7, rtxSsrc, RRID_ID, "m", rtxPayload)).isTrue();

        assertThat(producer.stream(1).rtxSsrc()).isEqualTo(rtxSsrc);
        assertThat(producer.hasSsrc(rtxSsrc)).isTrue();
        assertThat(producer.packetsRepaired()).isEqualTo(1);
        assertThat(forwardedSequenceNumbers).containsExactly(100, 102, 101);
    }

    @Test
    void eachEncodingHasItsActivityKeyFramesSenderReportAndKeyFrameRequests() throws Exception {
        Producer producer = ridProducer();
        long[] ssrcs = {0x100, 0x200, 0x300};
        for (int i = 0; i < 3; i++) {
            receive(producer, VP8_PT, 1, ssrcs[i], RID_ID, RIDS[i], vp8(i == 2));
        }
        assertThat(activity).containsExactly("0 started", "1 started", "2 started");
        assertThat(producer.stream(2).lastKeyFrameMs()).isEqualTo(clock.monotonicMillis());
        assertThat(producer.stream(0).lastKeyFrameMs()).isEqualTo(Long.MIN_VALUE);

        clock.advanceMillis(999);
        receive(producer, VP8_PT, 2, ssrcs[0], RID_ID, RIDS[0], vp8(false));
        producer.onActivityTimer();
        assertThat(activity).hasSize(3);
        clock.advanceMillis(1);
        producer.onActivityTimer();
        assertThat(activity).endsWith("1 stopped", "2 stopped");
        assertThat(producer.stream(0).active()).isTrue();
        assertThat(producer.stream(2).active()).isFalse();

        // 2026-11-24 06:00:00.250 UTC in NTP (RFC 3550 §4): seconds since 1900, then 2^32ths.
        long seconds = 1_795_500_000L + 2_208_988_800L;
        long fraction = (250L << 32) / 1000;
        producer.stream(1).onSenderReport(new SenderReport(ssrcs[1], seconds << 32 | fraction, 123_456, 0, 0, List.of()),
                clock.monotonicMillis());
        assertThat(producer.stream(1).hasSenderReport()).isTrue();
        assertThat(producer.stream(0).hasSenderReport()).isFalse();
        assertThat(producer.stream(1).senderReportNtpMs()).isEqualTo(seconds * 1000 + 250);
        assertThat(producer.stream(1).senderReportRtpTimestamp()).isEqualTo(123_456);

        producer.requestKeyFrame(1);
        producer.requestKeyFrame(1);
        assertThat(sending.rtcp).singleElement()
                .satisfies(pli -> assertThat(pli.getUnsignedInt(8)).as("media SSRC").isEqualTo(ssrcs[1]));
    }

    @Test
    void aThrottledKeyFrameRequestIsDeferredNotLostAndAnUnansweredOneIsRepeatedOnce() throws Exception {
        Producer producer = ridProducer();
        long ssrc = 0x100;
        receive(producer, VP8_PT, 1, ssrc, RID_ID, RIDS[0], vp8(false));

        producer.requestKeyFrame(0);
        assertThat(sending.rtcp).as("the first request goes out at once").hasSize(1);
        clock.advanceMillis(100);
        producer.requestKeyFrame(0);
        producer.onKeyFrameRequestTimer();
        assertThat(sending.rtcp).as("the key frame asked for is still coming: it answers both").hasSize(1);

        clock.advanceMillis(100);
        receive(producer, VP8_PT, 2, ssrc, RID_ID, RIDS[0], vp8(true));
        clock.advanceMillis(100);
        producer.requestKeyFrame(0);
        assertThat(sending.rtcp).as("within the interval").hasSize(1);
        clock.advanceMillis(699);
        producer.onKeyFrameRequestTimer();
        assertThat(sending.rtcp).hasSize(1);
        clock.advanceMillis(1);
        producer.onKeyFrameRequestTimer();
        assertThat(sending.rtcp).as("asked after the key frame: sent when the interval ends").hasSize(2);

        // No key frame answers that one: it is repeated once after the interval, then not again.
        clock.advanceMillis(1000);
        producer.onKeyFrameRequestTimer();
        assertThat(sending.rtcp).hasSize(3);
        clock.advanceMillis(5000);
        producer.onKeyFrameRequestTimer();
        assertThat(sending.rtcp).hasSize(3);
        assertThat(sending.rtcp).allSatisfy(pli -> assertThat(pli.getUnsignedInt(8)).isEqualTo(ssrc));

        // A key frame that arrives before the interval ends settles a deferred request.
        clock.advanceMillis(100);
        producer.requestKeyFrame(0);
        assertThat(sending.rtcp).hasSize(4);
        receive(producer, VP8_PT, 3, ssrc, RID_ID, RIDS[0], vp8(true));
        clock.advanceMillis(10);
        producer.requestKeyFrame(0);
        receive(producer, VP8_PT, 4, ssrc, RID_ID, RIDS[0], vp8(true));
        clock.advanceMillis(2000);
        producer.onKeyFrameRequestTimer();
        assertThat(sending.rtcp).hasSize(4);
    }
}
