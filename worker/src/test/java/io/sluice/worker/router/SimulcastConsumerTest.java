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
import io.sluice.api.v1.RtpHeaderExtensionParameters;
import io.sluice.api.v1.RtpParameters;
import io.sluice.worker.router.SimpleConsumerTest.RecordingTransport;
import io.sluice.worker.testsupport.ApiOrtc;
import io.sluice.worker.router.ortc.RtpHeaderExtensionUris;
import io.sluice.worker.router.ortc.RtpMapping;
import io.sluice.worker.rtcp.FeedbackPsPli;
import io.sluice.worker.rtcp.RtcpHeader;
import io.sluice.worker.rtcp.SenderReport;
import io.sluice.worker.rtp.RtpPacket;
import io.sluice.worker.testsupport.ForwardedVp8;
import io.sluice.worker.testsupport.TestClock;
import io.sluice.worker.testsupport.Vp8SimulcastSource;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import java.util.Map;

/**
 * Generated VP8 simulcast (three encodings of three temporal layers, RFC 7741 descriptors) through
 * a producer into a {@link SimulcastConsumer} over fake transports, on a clock the test moves one
 * frame (50 ms) at a time, the highest encoding first in each frame; PLIs the producer sends make
 * the source's next frame a key frame. The
 * consumer's output must be one well-formed stream: one SSRC, sequence numbers that grow by one,
 * timestamps that follow the capture clock across switches (RFC 3550 §5.1, §6.4.1), picture ids
 * that grow by one per picture and switches only at the first packet of a key frame.
 */
class SimulcastConsumerTest {

    private static final int PAYLOAD_TYPE = 96;
    private static final int RID_EXTENSION_ID = 10;
    private static final long[] SSRCS = {0x1111_0000L, 0x2222_0000L, 0x3333_0000L};
    private static final String[] RIDS = {"r0", "r1", "r2"};
    private static final long START_MS = 1_000_000;

    private final TestClock clock = new TestClock(START_MS, TestClock.DEFAULT_EPOCH_MILLIS);
    private final RecordingTransport sending = new RecordingTransport(0);
    private final RecordingTransport receiving = new RecordingTransport(10);
    private final List<Consumer> fanOut = new ArrayList<>();
    private final List<ConsumerLayers> layerEvents = new ArrayList<>();
    private final boolean[] sendingEncodings = {true, true, true};
    private Vp8SimulcastSource source;
    private Producer producer;
    private SimulcastConsumer consumer;
    private boolean senderReports = true;
    private String scalabilityMode = "L1T3";
    private int frame;

    private void create(boolean byRid, ConsumerLayers preferred, int keyFrameInterval) throws Exception {
        RtpCapabilities capabilities = ApiOrtc.generateRouterRtpCapabilities(List.of(RtpCodecCapability.newBuilder()
                .setKind(MediaKind.VIDEO).setMimeType("video/VP8").setClockRate(90000).build()));
        RtpParameters.Builder given = RtpParameters.newBuilder()
                .addCodecs(RtpCodecParameters.newBuilder().setMimeType("video/VP8").setPayloadType(PAYLOAD_TYPE)
                        .setClockRate(90000))
                .setRtcp(RtcpParameters.newBuilder().setCname("simulcast"));
        if (byRid) {
            given.addHeaderExtensions(RtpHeaderExtensionParameters.newBuilder()
                    .setUri(RtpHeaderExtensionUris.RTP_STREAM_ID).setId(RID_EXTENSION_ID));
        }
        for (int i = 0; i < 3; i++) {
            RtpEncodingParameters.Builder encoding = RtpEncodingParameters.newBuilder().setScalabilityMode(scalabilityMode);
            if (byRid) {
                encoding.setRid(RIDS[i]);
            } else {
                encoding.setSsrc((int) SSRCS[i]);
            }
            given.addEncodings(encoding);
        }
        RtpParameters parameters = ApiOrtc.validateRtpParameters(given.build());
        RtpMapping mapping = ApiOrtc.getProducerRtpParametersMapping(parameters, capabilities, new SplittableRandom(1));
        RtpParameters consumable = ApiOrtc.getConsumableRtpParameters(MediaKind.VIDEO, parameters, capabilities, mapping);
        producer = new Producer("p", ApiOrtc.domain(MediaKind.VIDEO), sending, ApiOrtc.domain(parameters), mapping, ApiOrtc.domain(consumable), false,
                Map.of(), new Producer.Listener() {
                    @Override
                    public void onProducerRtp(Producer from, int stream, RtpPacket packet) {
                        fanOut.forEach(consumer -> consumer.send(stream, packet));
                    }

                    @Override
                    public void onProducerPaused(Producer from) {
                        fanOut.forEach(Consumer::onProducerPaused);
                    }

                    @Override
                    public void onProducerResumed(Producer from) {
                        fanOut.forEach(Consumer::onProducerResumed);
                    }

                    @Override
                    public void onProducerStreamActivity(Producer from, int stream, boolean active) {
                        fanOut.forEach(consumer -> consumer.onProducerStreamActivity(stream, active));
                    }
                }, clock, ByteBufAllocator.DEFAULT);
        assertThat(producer.type()).isEqualTo(Producer.Type.SIMULCAST);
        RtpParameters consumerParameters = ApiOrtc.getConsumerRtpParameters(consumable, capabilities, false, true,
                new SplittableRandom(2));
        assertThat(consumerParameters.getEncodingsList()).singleElement()
                .satisfies(encoding -> assertThat(encoding.getScalabilityMode())
                        .isEqualTo(scalabilityMode.isEmpty() ? "L3T1" : "L3T3"));
        consumer = new SimulcastConsumer("c", producer, receiving, ApiOrtc.domain(consumerParameters), false,
                Map.of(), clock, ByteBufAllocator.DEFAULT, preferred);
        consumer.setLayersListener(changed -> layerEvents.add(changed.currentLayers()));
        fanOut.add(consumer);
        source = new Vp8SimulcastSource(PAYLOAD_TYPE, byRid ? RID_EXTENSION_ID : 0, SSRCS, byRid ? RIDS : null,
                keyFrameInterval, 7);
    }

    @AfterEach
    void releaseEverything() {
        List<ByteBuf> all = new ArrayList<>(sending.rtcp);
        all.addAll(receiving.rtp);
        if (consumer != null) {
            consumer.close();
        }
        sending.releaseAll();
        receiving.releaseAll();
        assertThat(all).allSatisfy(buf -> assertThat(buf.refCnt()).isZero());
    }

    /** Sends frames until {@code until} (exclusive): PLIs first, then each sending encoding's packets, SRs each second. */
    private void runUntil(int until) {
        for (; frame < until; frame++) {
            clock.advanceToMillis(START_MS + (long) frame * Vp8SimulcastSource.FRAME_INTERVAL_MS);
            for (ByteBuf rtcp : sending.rtcp) {
                if (rtcp.getUnsignedByte(1) == RtcpHeader.TYPE_PSFB && (rtcp.getUnsignedByte(0) & 0x1F) == FeedbackPsPli.FMT) {
                    source.requestKeyFrame(rtcp.getUnsignedInt(8));
                }
                rtcp.release();
            }
            sending.rtcp.clear();
            for (int i = 2; i >= 0; i--) {
                if (!sendingEncodings[i]) {
                    continue;
                }
                if (senderReports && frame % 20 == 0) {
                    producer.stream(i).onSenderReport(new SenderReport(SSRCS[i], Vp8SimulcastSource.ntpTimestamp(frame),
                            source.encoding(i).timestamp(frame), 0, 0, List.of()), clock.monotonicMillis());
                }
                for (byte[] bytes : source.frame(i, frame)) {
                    ByteBuf buf = Unpooled.wrappedBuffer(bytes);
                    RtpPacket packet = new RtpPacket();
                    assertThat(packet.wrap(buf)).isTrue();
                    assertThat(producer.receive(packet)).isTrue();
                    buf.release();
                }
            }
            producer.onActivityTimer();
        }
    }

    private List<ForwardedVp8> output() {
        return receiving.rtp.stream().map(ForwardedVp8::parse).toList();
    }

    private static ConsumerLayers layers(int spatial, int temporal) {
        return ConsumerLayers.of(spatial, temporal);
    }

    @Test
    void forwardsTheHighestEncodingByDefaultAsOneStream() throws Exception {
        create(true, null, 100);

        runUntil(40);

        List<ForwardedVp8> out = output();
        ForwardedVp8.assertWellFormed(out);
        assertThat(ForwardedVp8.encodings(out)).containsExactly(2);
        assertThat(out.get(0).width()).isEqualTo(1280);
        assertThat(out).extracting(ForwardedVp8::temporalLayer).contains(0, 1, 2);
        assertThat(layerEvents).containsExactly(layers(2, 2));
        assertThat(consumer.preferredLayers()).isEqualTo(layers(2, 2));
        assertThat(consumer.currentLayers()).isEqualTo(layers(2, 2));
        assertThat(consumer.dump().currentLayers()).isEqualTo(layers(2, 2));
        assertThat(consumer.stats(clock.monotonicMillis()).currentLayers()).isEqualTo(layers(2, 2));
    }

    @Test
    void underOverloadItIsHeldToTheLowestEncodingAndGoesBackUpWhenReleased() throws Exception {
        create(true, null, 100);
        runUntil(30);
        assertThat(consumer.currentLayers()).isEqualTo(layers(2, 2));

        assertThat(consumer.shedLayers(true)).isTrue();
        runUntil(60);
        assertThat(consumer.currentLayers()).isEqualTo(layers(0, 2));
        assertThat(consumer.preferredLayers()).as("the backend's preference stays").isEqualTo(layers(2, 2));

        assertThat(consumer.shedLayers(false)).isTrue();
        runUntil(90);
        assertThat(consumer.currentLayers()).isEqualTo(layers(2, 2));
        ForwardedVp8.assertWellFormed(output());
        assertThat(layerEvents).containsExactly(layers(2, 2), layers(0, 2), layers(2, 2));
    }

    @Test
    void switchesDownAndUpAtKeyFramesItRequestsWithContinuousNumbersAndTimestamps() throws Exception {
        create(true, null, 100);
        runUntil(30);
        assertThat(consumer.setPreferredLayers(new ConsumerLayers(0, null)))
                .isEqualTo(layers(0, 2));
        runUntil(60);
        consumer.setPreferredLayers(new ConsumerLayers(1, null));
        runUntil(90);
        consumer.setPreferredLayers(ConsumerLayers.of(7, 9));
        runUntil(120);

        List<ForwardedVp8> out = output();
        ForwardedVp8.assertWellFormed(out);
        ForwardedVp8.assertTimestampsFollowTheCaptureClock(out);
        assertThat(ForwardedVp8.encodings(out)).containsExactly(2, 0, 1, 2);
        List<Integer> widthsAtSwitches = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
            if (i == 0 || out.get(i).encoding() != out.get(i - 1).encoding()) {
                widthsAtSwitches.add(out.get(i).width());
            }
        }
        assertThat(widthsAtSwitches).containsExactly(1280, 320, 640, 1280);
        // The key frame was asked for when the switch was wanted and arrived with the next frame.
        for (int switchFrame : new int[] {30, 60, 90}) {
            assertThat(out).anySatisfy(packet -> {
                assertThat(packet.frame()).isEqualTo(switchFrame);
                assertThat(packet.keyFrame()).isTrue();
            });
        }
        assertThat(layerEvents).containsExactly(layers(2, 2), layers(0, 2), layers(1, 2), layers(2, 2));
        assertThat(consumer.preferredLayers()).isEqualTo(layers(2, 2));
    }

    @Test
    void temporalLayersAboveTheTargetAreDroppedWithoutHoles() throws Exception {
        create(true, ConsumerLayers.of(2, 0), 100);
        runUntil(40);
        List<ForwardedVp8> baseOnly = output();
        consumer.setPreferredLayers(ConsumerLayers.of(2, 1));
        runUntil(80);

        List<ForwardedVp8> out = output();
        ForwardedVp8.assertWellFormed(out);
        ForwardedVp8.assertTimestampsFollowTheCaptureClock(out);
        assertThat(baseOnly).extracting(ForwardedVp8::temporalLayer).containsOnly(0);
        assertThat(baseOnly.stream().map(ForwardedVp8::frame).distinct().count()).isBetween(10L, 11L);
        List<ForwardedVp8> after = out.subList(baseOnly.size(), out.size());
        assertThat(after).extracting(ForwardedVp8::temporalLayer).contains(1).doesNotContain(2);
        assertThat(layerEvents).containsExactly(layers(2, 0), layers(2, 1));
        assertThat(consumer.stats(clock.monotonicMillis()).droppedPackets()).doesNotContainKey("paused");
    }

    @Test
    void fallsBackWhenThePreferredEncodingStopsAndReturnsWhenItResumes() throws Exception {
        create(true, null, 100);
        runUntil(20);
        sendingEncodings[2] = false;
        runUntil(60);
        assertThat(consumer.targetLayers()).isEqualTo(layers(1, 2));
        sendingEncodings[2] = true;
        runUntil(80);

        List<ForwardedVp8> out = output();
        ForwardedVp8.assertWellFormed(out);
        ForwardedVp8.assertTimestampsFollowTheCaptureClock(out);
        assertThat(ForwardedVp8.encodings(out)).containsExactly(2, 1, 2);
        assertThat(layerEvents).containsExactly(layers(2, 2), null, layers(1, 2), layers(2, 2));
        // Encoding 2 stopped after frame 19; a second later it counts as stopped and encoding 1 takes over.
        int firstOfEncoding1 = out.stream().filter(packet -> packet.encoding() == 1).findFirst().orElseThrow().frame();
        assertThat(firstOfEncoding1).isBetween(39, 42);
        int backTo2 = out.stream().filter(packet -> packet.encoding() == 2 && packet.frame() >= 60)
                .findFirst().orElseThrow().frame();
        assertThat(backTo2).isBetween(60, 61);
    }

    @Test
    void nothingIsForwardedWhileNoEncodingSendsAndTheLayersSayNone() throws Exception {
        create(false, null, 100);
        runUntil(10);
        sendingEncodings[0] = sendingEncodings[1] = sendingEncodings[2] = false;
        runUntil(40);
        assertThat(consumer.currentLayers()).isNull();
        assertThat(consumer.targetLayers()).isNull();
        assertThat(consumer.dump().currentLayers()).isNull();
        sendingEncodings[0] = sendingEncodings[1] = sendingEncodings[2] = true;
        runUntil(60);

        List<ForwardedVp8> out = output();
        ForwardedVp8.assertWellFormed(out);
        ForwardedVp8.assertTimestampsFollowTheCaptureClock(out);
        assertThat(layerEvents).containsExactly(layers(2, 2), null, layers(2, 2));
    }

    @Test
    void pauseAndResumeReportNoLayersThenContinueTheStream() throws Exception {
        create(true, null, 100);
        runUntil(20);
        consumer.pause();
        runUntil(30);
        consumer.resume();
        runUntil(50);
        producer.pause();
        runUntil(55);
        producer.resume();
        runUntil(70);

        List<ForwardedVp8> out = output();
        ForwardedVp8.assertWellFormed(out);
        ForwardedVp8.assertTimestampsFollowTheCaptureClock(out);
        assertThat(layerEvents).containsExactly(layers(2, 2), null, layers(2, 2), null, layers(2, 2));
        assertThat(consumer.stats(clock.monotonicMillis()).droppedPackets()).containsKey("paused");
    }

    @Test
    void withoutSenderReportsTheTimestampContinuesByTheWallClock() throws Exception {
        senderReports = false;
        create(false, null, 100);
        runUntil(21);
        consumer.setPreferredLayers(new ConsumerLayers(0, null));
        runUntil(40);

        List<ForwardedVp8> out = output();
        ForwardedVp8.assertWellFormed(out);
        // The clock here moves exactly with the capture clock, so the wall time gives the same answer.
        ForwardedVp8.assertTimestampsFollowTheCaptureClock(out);
        assertThat(ForwardedVp8.encodings(out)).containsExactly(2, 0);
    }

    @Test
    void temporalLayersTheScalabilityModeDoesNotAnnounceAreForwardedAll() throws Exception {
        scalabilityMode = "";
        create(true, null, 100);
        runUntil(20);

        List<ForwardedVp8> out = output();
        ForwardedVp8.assertWellFormed(out);
        assertThat(out).extracting(ForwardedVp8::temporalLayer).contains(0, 1, 2);
        assertThat(layerEvents).containsExactly(layers(2, 0));
        assertThat(consumer.preferredLayers()).isEqualTo(layers(2, 0));
    }

    @Test
    void requestKeyFrameAsksForTheTargetEncodingOnly() throws Exception {
        create(false, new ConsumerLayers(1, null), 100);
        runUntil(30);
        sending.releaseAll();

        consumer.onKeyFrameRequested(consumer.ssrc());

        assertThat(sending.rtcp).singleElement().satisfies(pli -> assertThat(pli.getUnsignedInt(8)).isEqualTo(SSRCS[1]));
    }
}
