package io.sluice.worker.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.ParameterValue;
import io.sluice.api.v1.RtcpParameters;
import io.sluice.api.v1.RtpCapabilities;
import io.sluice.api.v1.RtpCodecCapability;
import io.sluice.api.v1.RtpCodecParameters;
import io.sluice.api.v1.RtpEncodingParameters;
import io.sluice.api.v1.RtpParameters;
import io.sluice.worker.router.SimpleConsumerTest.RecordingTransport;
import io.sluice.worker.testsupport.ApiOrtc;
import io.sluice.worker.router.ortc.RtpMapping;
import io.sluice.worker.rtcp.FeedbackPsPli;
import io.sluice.worker.rtcp.RtcpHeader;
import io.sluice.worker.rtp.RtpPacket;
import io.sluice.worker.testsupport.TestClock;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import java.util.Map;

/**
 * VP9 K-SVC as Chromium sends it ("L3T3_KEY", RFC 9628 non-flexible mode): three spatial layers
 * that depend on each other only in key pictures, three temporal layers, synthesized packet by
 * packet and fed through a producer into {@link SvcConsumer}s, one per target. Each output must be
 * well-formed: no layer above the target, the RTP marker on the last packet forwarded of each
 * picture and nowhere else, sequence numbers that grow by one, timestamps that never go back.
 */
class SvcConsumerTest {

    private static final long SSRC = 0x5EC0_0001L;
    private static final int PAYLOAD_TYPE = 98;
    private static final int[] TEMPORAL_PATTERN = {0, 2, 1, 2};
    private static final int TICKS_PER_PICTURE = 9000;

    private final TestClock clock = new TestClock(5_000_000, TestClock.DEFAULT_EPOCH_MILLIS);
    private final RecordingTransport sending = new RecordingTransport(0);
    private final List<RecordingTransport> receivers = new ArrayList<>();
    private final List<SvcConsumer> consumers = new ArrayList<>();
    private final List<ConsumerLayers> layerEvents = new ArrayList<>();
    private Producer producer;
    private RtpParameters consumable;
    private RtpCapabilities capabilities;
    private int sequenceNumber = 40_000;
    private int pictureId = 0x7FF0;
    private int tl0PicIdx = 250;
    private int picture;
    private int picturesSinceKey = -1;
    private boolean keyRequested = true;

    /** A forwarded packet's RTP fields and VP9 descriptor. */
    record Out(int sequenceNumber, long timestamp, boolean marker, int pictureId, int temporalLayer,
            int spatialLayer, boolean beginOfLayerFrame, boolean endOfLayerFrame, boolean interPicture) {

        static Out parse(ByteBuf buf) {
            RtpPacket rtp = new RtpPacket();
            assertThat(rtp.wrap(buf)).isTrue();
            int at = rtp.payloadOffset();
            int first = buf.getUnsignedByte(at);
            int pid = (buf.getUnsignedByte(at + 1) & 0x7F) << 8 | buf.getUnsignedByte(at + 2);
            int layers = buf.getUnsignedByte(at + 3);
            return new Out(rtp.sequenceNumber(), rtp.timestamp(), rtp.marker(), pid, layers >>> 5,
                    (layers >>> 1) & 0x07, (first & 0x08) != 0, (first & 0x04) != 0, (first & 0x40) != 0);
        }
    }

    @BeforeEach
    void createProducer() throws Exception {
        capabilities = ApiOrtc.generateRouterRtpCapabilities(List.of(RtpCodecCapability.newBuilder()
                .setKind(MediaKind.VIDEO).setMimeType("video/VP9").setClockRate(90000)
                .putParameters("profile-id", ParameterValue.newBuilder().setIntValue(0).build()).build()));
        RtpParameters parameters = ApiOrtc.validateRtpParameters(RtpParameters.newBuilder()
                .addCodecs(RtpCodecParameters.newBuilder().setMimeType("video/VP9").setPayloadType(PAYLOAD_TYPE)
                        .setClockRate(90000)
                        .putParameters("profile-id", ParameterValue.newBuilder().setIntValue(0).build()))
                .addEncodings(RtpEncodingParameters.newBuilder().setSsrc((int) SSRC).setScalabilityMode("L3T3_KEY"))
                .setRtcp(RtcpParameters.newBuilder().setCname("svc"))
                .build());
        RtpMapping mapping = ApiOrtc.getProducerRtpParametersMapping(parameters, capabilities, new SplittableRandom(3));
        consumable = ApiOrtc.getConsumableRtpParameters(MediaKind.VIDEO, parameters, capabilities, mapping);
        producer = new Producer("svc", ApiOrtc.domain(MediaKind.VIDEO), sending, ApiOrtc.domain(parameters), mapping, ApiOrtc.domain(consumable), false,
                Map.of(), new Producer.Listener() {
                    @Override
                    public void onProducerRtp(Producer from, int stream, RtpPacket packet) {
                        consumers.forEach(consumer -> consumer.send(stream, packet));
                    }

                    @Override
                    public void onProducerPaused(Producer from) {
                    }

                    @Override
                    public void onProducerResumed(Producer from) {
                    }

                    @Override
                    public void onProducerStreamActivity(Producer from, int stream, boolean active) {
                        consumers.forEach(consumer -> consumer.onProducerStreamActivity(stream, active));
                    }
                }, clock, ByteBufAllocator.DEFAULT);
        assertThat(producer.type()).isEqualTo(Producer.Type.SVC);
    }

    private SvcConsumer consumer(ConsumerLayers preferred) throws Exception {
        RecordingTransport receiving = new RecordingTransport(10);
        receivers.add(receiving);
        RtpParameters parameters = ApiOrtc.getConsumerRtpParameters(consumable, capabilities, false, true,
                new SplittableRandom(consumers.size()));
        assertThat(parameters.getEncodings(0).getScalabilityMode()).isEqualTo("L3T3_KEY");
        SvcConsumer consumer = new SvcConsumer("c" + consumers.size(), producer, receiving, ApiOrtc.domain(parameters), false,
                Map.of(), clock, ByteBufAllocator.DEFAULT, preferred);
        consumers.add(consumer);
        return consumer;
    }

    @AfterEach
    void releaseEverything() {
        List<ByteBuf> all = new ArrayList<>(sending.rtcp);
        consumers.forEach(SvcConsumer::close);
        receivers.forEach(receiver -> all.addAll(receiver.rtp));
        receivers.forEach(RecordingTransport::releaseAll);
        sending.releaseAll();
        assertThat(all).allSatisfy(buf -> assertThat(buf.refCnt()).isZero());
    }

    /**
     * One picture: each spatial layer frame in two packets (B, then E), RFC 9628 §4.2 non-flexible
     * descriptor with picture id, layer indices and TL0PICIDX; the key picture carries the
     * scalability structure (§4.2.1) with the three resolutions; the marker ends the picture.
     */
    private void sendPicture() {
        for (ByteBuf rtcp : sending.rtcp) {
            if (rtcp.getUnsignedByte(1) == RtcpHeader.TYPE_PSFB && (rtcp.getUnsignedByte(0) & 0x1F) == FeedbackPsPli.FMT) {
                keyRequested = true;
            }
            rtcp.release();
        }
        sending.rtcp.clear();
        boolean key = keyRequested;
        keyRequested = false;
        picturesSinceKey = key ? 0 : picturesSinceKey + 1;
        int position = picturesSinceKey % TEMPORAL_PATTERN.length;
        int temporal = key ? 0 : TEMPORAL_PATTERN[position];
        boolean switchingUp = temporal > 0 && (position == 1 || position == 2);
        pictureId = (pictureId + 1) & 0x7FFF;
        if (temporal == 0) {
            tl0PicIdx = (tl0PicIdx + 1) & 0xFF;
        }
        long timestamp = 1_000_000L + (long) picture * TICKS_PER_PICTURE;
        for (int spatial = 0; spatial < 3; spatial++) {
            for (int part = 0; part < 2; part++) {
                ByteBuffer out = ByteBuffer.allocate(120);
                boolean marker = spatial == 2 && part == 1;
                out.put((byte) 0x80).put((byte) ((marker ? 0x80 : 0) | PAYLOAD_TYPE));
                out.putShort((short) sequenceNumber);
                sequenceNumber = (sequenceNumber + 1) & 0xFFFF;
                out.putInt((int) timestamp).putInt((int) SSRC);
                boolean scalabilityStructure = key && spatial == 0 && part == 0;
                // I=1, P (inter-picture predicted) outside key pictures, L=1, F=0, B, E, V.
                out.put((byte) (0x80 | (key ? 0 : 0x40) | 0x20 | (part == 0 ? 0x08 : 0) | (part == 1 ? 0x04 : 0)
                        | (scalabilityStructure ? 0x02 : 0)));
                out.put((byte) (0x80 | pictureId >> 8)).put((byte) pictureId);
                // K-SVC: D (inter-layer dependency) only in key pictures above layer 0.
                boolean dependsOnLower = key && spatial > 0;
                out.put((byte) (temporal << 5 | (switchingUp ? 0x10 : 0) | spatial << 1 | (dependsOnLower ? 1 : 0)));
                out.put((byte) tl0PicIdx);
                if (scalabilityStructure) {
                    out.put((byte) (2 << 5 | 0x10));                      // N_S = 2, Y = 1, G = 0
                    for (int layer = 0; layer < 3; layer++) {
                        out.putShort((short) (320 << layer)).putShort((short) (180 << layer));
                    }
                }
                out.put((byte) spatial).putShort((short) picture);
                for (int filler = 0; filler < 40; filler++) {
                    out.put((byte) filler);
                }
                ByteBuf buf = Unpooled.wrappedBuffer(out.array(), 0, out.position());
                RtpPacket packet = new RtpPacket();
                assertThat(packet.wrap(buf)).isTrue();
                assertThat(producer.receive(packet)).isTrue();
                buf.release();
            }
        }
        picture++;
        clock.advanceMillis(100);
        producer.onActivityTimer();
    }

    private static List<Out> output(RecordingTransport receiver) {
        return receiver.rtp.stream().map(Out::parse).toList();
    }

    /**
     * Layers within the target; the marker on the last packet forwarded of each picture only;
     * every forwarded layer frame whole (B to E); sequence numbers +1; timestamps never back.
     */
    private static void assertWellFormed(List<Out> out, int spatialTarget, int temporalTarget) {
        assertThat(out).isNotEmpty();
        assertThat(out).allSatisfy(packet -> {
            assertThat(packet.spatialLayer()).isLessThanOrEqualTo(spatialTarget);
            assertThat(packet.temporalLayer()).isLessThanOrEqualTo(temporalTarget);
        });
        for (int i = 0; i < out.size(); i++) {
            Out packet = out.get(i);
            Out next = i + 1 < out.size() ? out.get(i + 1) : null;
            boolean lastOfPicture = next == null || next.pictureId() != packet.pictureId();
            if (next != null) {
                assertThat(next.sequenceNumber()).isEqualTo((packet.sequenceNumber() + 1) & 0xFFFF);
                assertThat((int) (next.timestamp() - packet.timestamp())).isNotNegative();
                assertThat(next.beginOfLayerFrame()).as("layer frames whole").isEqualTo(packet.endOfLayerFrame());
            }
            if (next != null || packet.endOfLayerFrame()) {
                assertThat(packet.marker()).as("marker of %s (next %s)", packet, next).isEqualTo(lastOfPicture);
            }
        }
    }

    @Test
    void eachTargetGetsAWellFormedStreamOfItsLayers() throws Exception {
        List<SvcConsumer> byTarget = new ArrayList<>();
        for (int spatial = 0; spatial < 3; spatial++) {
            for (int temporal = 0; temporal < 3; temporal++) {
                byTarget.add(consumer(ConsumerLayers.of(spatial, temporal)));
            }
        }
        for (int i = 0; i < 24; i++) {
            sendPicture();
        }

        for (int spatial = 0; spatial < 3; spatial++) {
            for (int temporal = 0; temporal < 3; temporal++) {
                int index = spatial * 3 + temporal;
                List<Out> out = output(receivers.get(index));
                assertWellFormed(out, spatial, temporal);
                int target = spatial;
                // K-SVC: outside the key picture only the target spatial layer is needed and sent.
                assertThat(out.stream().filter(Out::interPicture).map(Out::spatialLayer).distinct().toList())
                        .containsExactly(target);
                assertThat(out.stream().filter(packet -> !packet.interPicture()).map(Out::spatialLayer).distinct())
                        .hasSize(spatial + 1);
                assertThat(out.stream().map(Out::temporalLayer).distinct().count()).isEqualTo(temporal + 1);
                assertThat(byTarget.get(index).currentLayers())
                        .isEqualTo(ConsumerLayers.of(spatial, temporal));
            }
        }
    }

    @Test
    void changingTheSpatialTargetWaitsForAKeyPictureItRequests() throws Exception {
        SvcConsumer consumer = consumer(null);
        consumer.setLayersListener(changed -> layerEvents.add(changed.currentLayers()));
        for (int i = 0; i < 10; i++) {
            sendPicture();
        }
        consumer.setPreferredLayers(new ConsumerLayers(0, null));
        for (int i = 0; i < 10; i++) {
            sendPicture();
        }
        consumer.setPreferredLayers(ConsumerLayers.of(2, 1));
        for (int i = 0; i < 10; i++) {
            sendPicture();
        }

        List<Out> out = output(receivers.get(0));
        assertWellFormed(out, 2, 2);
        assertThat(layerEvents).containsExactly(ConsumerLayers.of(2, 2), ConsumerLayers.of(0, 2), ConsumerLayers.of(2, 1));
        // Pictures 10..19 (after the key picture the request brought) carry spatial layer 0 alone.
        assertThat(out.stream().filter(packet -> packet.interPicture() && packet.spatialLayer() == 0)).isNotEmpty();
        assertThat(producer.keyFrameRequestsSent()).as("one per spatial change").isEqualTo(2);
    }

    @Test
    void afterAPauseTheStreamContinuesFromARequestedKeyPicture() throws Exception {
        SvcConsumer consumer = consumer(null);
        consumer.setLayersListener(changed -> layerEvents.add(changed.currentLayers()));
        for (int i = 0; i < 10; i++) {
            sendPicture();
        }
        consumer.pause();
        for (int i = 0; i < 5; i++) {
            sendPicture();
        }
        consumer.resume();
        for (int i = 0; i < 10; i++) {
            sendPicture();
        }

        List<Out> out = output(receivers.get(0));
        assertWellFormed(out, 2, 2);
        ConsumerLayers all = ConsumerLayers.of(2, 2);
        assertThat(layerEvents).containsExactly(all, null, all);
        // The picture ids go on from the last one sent (RFC 9628 §4.2: a gap reads as a lost picture).
        List<Integer> pictureIds = out.stream().map(Out::pictureId).distinct().toList();
        for (int i = 1; i < pictureIds.size(); i++) {
            assertThat(pictureIds.get(i)).isEqualTo((pictureIds.get(i - 1) + 1) & 0x7FFF);
        }
        assertThat(consumer.stats(clock.monotonicMillis()).droppedPackets()).containsKey("paused");
    }
}
