package io.sluice.worker.rtp.codecs;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.worker.rtp.codecs.ForwardingHarness.Forwarded;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Temporal layer filtering and picture id / TL0PICIDX continuity for VP8 (RFC 7741 §4.2). */
class Vp8LayerRewriterTest {

    private static final String VP8 = "video/VP8";

    @ParameterizedTest(name = "target temporal layer {0}, {1}-bit picture ids")
    @CsvSource({"0, 15", "1, 15", "2, 15", "0, 7", "1, 7"})
    void threeTemporalLayersFilteredToTheTargetStayContinuous(int target, int bits) {
        // Start close to the wrap of both picture id and TL0PICIDX.
        Vp8Source source = new Vp8Source(bits == 15 ? 32_700 : 100, bits, 250);
        ForwardingHarness harness = new ForwardingHarness(VP8, 0, target);
        List<Integer> sentLayers = new ArrayList<>();
        for (int frame = 0; frame < 200; frame++) {
            boolean forwarded = sendFrame(harness, source, frame == 0, 1 + frame % 3);
            sentLayers.add(source.lastTemporalLayer());
            assertThat(forwarded).as("frame %d of layer %d", frame, source.lastTemporalLayer())
                    .isEqualTo(source.lastTemporalLayer() <= target);
        }

        List<Forwarded> frames = harness.frameStarts();
        long expectedFrames = sentLayers.stream().filter(layer -> layer <= target).count();
        assertThat(frames).hasSize((int) expectedFrames);
        assertContinuous(frames, bits);
        assertThat(harness.rewriter.currentTemporalLayer()).isEqualTo(target);
        assertThat(harness.rewriter.currentSpatialLayer()).isZero();
        if (target == 2) {
            assertThat(frames.getFirst().pictureId()).as("nothing dropped, nothing renumbered")
                    .isEqualTo(bits == 15 ? 32_700 : 100);
        }
    }

    @Test
    void everyPacketOfAFrameFollowsTheFramesDecisionAndCarriesItsId() {
        Vp8Source source = new Vp8Source(10, 15, 0);
        ForwardingHarness harness = new ForwardingHarness(VP8, 0, 1);
        for (int frame = 0; frame < 12; frame++) {
            sendFrame(harness, source, frame == 0, 3);
        }
        // 12 frames of pattern 0,2,1,2: the 6 of layer 2 dropped.
        assertThat(harness.forwarded).hasSize(6 * 3);
        for (int i = 0; i < harness.forwarded.size(); i += 3) {
            Forwarded first = harness.forwarded.get(i);
            assertThat(harness.forwarded.subList(i, i + 3)).allSatisfy(packet -> {
                assertThat(packet.pictureId()).isEqualTo(first.pictureId());
                assertThat(packet.tl0PicIdx()).isEqualTo(first.tl0PicIdx());
            });
            assertThat(harness.forwarded.get(i + 2).marker()).isTrue();
            assertThat(harness.forwarded.get(i + 1).marker()).isFalse();
        }
    }

    @Test
    void nothingIsForwardedBeforeAKeyFrame() {
        Vp8Source source = new Vp8Source(0, 15, 0);
        ForwardingHarness harness = new ForwardingHarness(VP8, 0, 2);
        for (int frame = 0; frame < 5; frame++) {
            assertThat(sendFrame(harness, source, false, 2)).isFalse();
        }
        assertThat(harness.rewriter.needsKeyFrame(0)).isTrue();
        assertThat(harness.rewriter.currentTemporalLayer()).isEqualTo(-1);
        assertThat(harness.rewriter.currentSpatialLayer()).isEqualTo(-1);

        assertThat(sendFrame(harness, source, true, 2)).isTrue();
        assertThat(harness.rewriter.needsKeyFrame(0)).isFalse();
        assertThat(harness.frameStarts().getFirst().keyFrame()).isTrue();
        assertThat(harness.frameStarts().getFirst().pictureId()).as("the first source keeps its ids").isEqualTo(5);
    }

    @Test
    void upSwitchGoesOneLayerAtATimeAtSyncFramesAndDownSwitchAtFrameBoundaries() {
        Vp8Source source = new Vp8Source(0, 15, 0);
        // Frames by index: 0 key (layer 0), then layers 2,1,2,0,2,1,2,... Y on 13 (layer 2), 18
        // (layer 1) and 21 (layer 2).
        source.syncFrames = Set.of(13, 18, 21);
        ForwardingHarness harness = new ForwardingHarness(VP8, 0, 0);
        List<Integer> forwardedFrames = new ArrayList<>();
        for (int frame = 0; frame < 8; frame++) {
            if (sendFrame(harness, source, frame == 0, 1)) {
                forwardedFrames.add(frame);
            }
        }
        assertThat(forwardedFrames).containsExactly(0, 4);

        harness.targetTemporalLayer = 2;
        forwardedFrames.clear();
        for (int frame = 8; frame < 24; frame++) {
            if (sendFrame(harness, source, false, 1)) {
                forwardedFrames.add(frame);
            }
        }
        // 13: a sync frame of layer 2 while at layer 0, whose layer 1 frames are not being sent:
        // not a switching point. 18: sync of layer 1, up to 1. 21: sync of layer 2, up to 2.
        assertThat(forwardedFrames).containsExactly(8, 12, 16, 18, 20, 21, 22, 23);
        assertThat(harness.rewriter.currentTemporalLayer()).isEqualTo(2);

        // Frame 24 is of layer 0, 25 of layer 2 in two packets: lowering the target between them
        // keeps the frame whole; frame 27 (layer 2) is dropped.
        sendFrame(harness, source, false, 1);
        List<int[]> frame25 = source.frame(false, 2);
        assertThat(harness.send(false, frame25.get(0))).isTrue();
        harness.targetTemporalLayer = 0;
        assertThat(harness.send(true, frame25.get(1))).isTrue();
        assertThat(sendFrame(harness, source, false, 1)).as("frame 26, layer 1").isFalse();
        assertThat(harness.rewriter.currentTemporalLayer()).isZero();
        assertThat(sendFrame(harness, source, false, 1)).as("frame 27, layer 2").isFalse();
        assertThat(sendFrame(harness, source, false, 1)).as("frame 28, layer 0").isTrue();
        assertContinuous(harness.frameStarts(), 15);
    }

    @Test
    void withLibwebrtcsSyncCadenceTheTopLayerIsReachedWithinTwoCycles() {
        Vp8Source source = new Vp8Source(0, 15, 0);
        ForwardingHarness harness = new ForwardingHarness(VP8, 0, 0);
        for (int frame = 0; frame < 8; frame++) {
            sendFrame(harness, source, frame == 0, 1);
        }
        harness.targetTemporalLayer = 2;
        List<Integer> layerAfterFrame = new ArrayList<>();
        for (int frame = 8; frame < 24; frame++) {
            sendFrame(harness, source, false, 1);
            layerAfterFrame.add(harness.rewriter.currentTemporalLayer());
        }
        // Frame 9 (layer 2, Y) comes before layer 1 has synced: no switch. Frame 10 (layer 1, Y):
        // up to 1. Frame 17 (layer 2, Y): up to 2.
        assertThat(layerAfterFrame).containsExactly(0, 0, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2);
        assertContinuous(harness.frameStarts(), 15);
    }

    @Test
    void aKeyFrameRaisesTheCurrentLayerToTheTarget() {
        Vp8Source source = new Vp8Source(0, 15, 0);
        source.syncFrames = Set.of();
        ForwardingHarness harness = new ForwardingHarness(VP8, 0, 0);
        for (int frame = 0; frame < 6; frame++) {
            sendFrame(harness, source, frame == 0, 1);
        }
        harness.targetTemporalLayer = 2;
        assertThat(sendFrame(harness, source, false, 1)).as("layer 1 without sync").isFalse();
        sendFrame(harness, source, false, 1);
        assertThat(sendFrame(harness, source, true, 1)).isTrue();
        assertThat(harness.rewriter.currentTemporalLayer()).isEqualTo(2);
        assertThat(sendFrame(harness, source, false, 1)).as("layer 2 after the key frame").isTrue();
        assertContinuous(harness.frameStarts(), 15);
    }

    @Test
    void switchingBetweenSourcesWithOtherBasesContinuesTheIds() {
        Vp8Source low = new Vp8Source(1_000, 15, 17);
        Vp8Source high = new Vp8Source(20_000, 15, 200);
        ForwardingHarness harness = new ForwardingHarness(VP8, 0, 2);
        for (int frame = 0; frame < 10; frame++) {
            sendFrame(harness, low, frame == 0, 2);
            high.frame(frame == 0, 2);
        }
        Forwarded lastLow = harness.frameStarts().getLast();

        harness.rewriter.onSourceSwitch();
        assertThat(harness.rewriter.needsKeyFrame(0)).isTrue();
        for (int frame = 0; frame < 3; frame++) {
            assertThat(sendFrame(harness, high, false, 2)).as("no key frame of the new source yet").isFalse();
        }
        assertThat(sendFrame(harness, high, true, 2)).isTrue();
        Forwarded firstHigh = harness.frameStarts().getLast();
        assertThat(firstHigh.keyFrame()).isTrue();
        assertThat(firstHigh.pictureId()).isEqualTo(lastLow.pictureId() + 1);
        for (int frame = 0; frame < 20; frame++) {
            sendFrame(harness, high, false, 1);
        }

        harness.rewriter.onSourceSwitch();
        harness.targetTemporalLayer = 1;
        sendFrame(harness, low, true, 1);
        for (int frame = 0; frame < 20; frame++) {
            sendFrame(harness, low, false, 1);
        }
        assertContinuous(harness.frameStarts(), 15);
    }

    @Test
    void switchingFromFifteenToSevenBitIdsStaysContinuousModulo128() {
        Vp8Source wide = new Vp8Source(5_000, 15, 3);
        Vp8Source narrow = new Vp8Source(90, 7, 60);
        ForwardingHarness harness = new ForwardingHarness(VP8, 0, 2);
        for (int frame = 0; frame < 6; frame++) {
            sendFrame(harness, wide, frame == 0, 1);
        }
        int lastWide = harness.frameStarts().getLast().pictureId();
        harness.rewriter.onSourceSwitch();
        sendFrame(harness, narrow, true, 1);
        assertThat(harness.frameStarts().getLast().pictureId()).isEqualTo((lastWide + 1) & 0x7F);
    }

    @Test
    void reorderedAndRetransmittedPacketsGetTheDecisionAndIdOfTheirFrame() {
        Vp8Source source = new Vp8Source(300, 15, 9);
        ForwardingHarness harness = new ForwardingHarness(VP8, 0, 1);
        List<List<int[]>> frames = new ArrayList<>();
        for (int frame = 0; frame < 8; frame++) {
            frames.add(source.frame(frame == 0, 2));
        }
        // Frame order 0,1,2,3 in sequence, then frame 5 before 4, then a retransmission of frame 2.
        int[] order = {0, 1, 2, 3, 5, 4, 6, 7};
        List<Integer> forwardedIds = new ArrayList<>();
        for (int frame : order) {
            for (int[] payload : frames.get(frame)) {
                if (harness.send(false, payload)) {
                    forwardedIds.add(harness.forwarded.getLast().pictureId());
                }
            }
        }
        // Layers: 0,2,1,2,0,2,1,2 -> frames 0,2,4,6 forwarded as 300,301,302,303.
        assertThat(forwardedIds).containsExactly(300, 300, 301, 301, 302, 302, 303, 303);

        assertThat(harness.send(false, frames.get(2).get(1))).as("retransmission of a forwarded frame").isTrue();
        assertThat(harness.forwarded.getLast().pictureId()).isEqualTo(301);
        assertThat(harness.send(false, frames.get(3).get(0))).as("retransmission of a dropped frame").isFalse();
    }

    @Test
    void aLateFrameOfAForwardedLayerKeepsItsPlace() {
        Vp8Source source = new Vp8Source(0, 15, 0);
        ForwardingHarness harness = new ForwardingHarness(VP8, 0, 2);
        List<List<int[]>> frames = new ArrayList<>();
        for (int frame = 0; frame < 4; frame++) {
            frames.add(source.frame(frame == 0, 1));
        }
        harness.send(false, frames.get(0).getFirst());
        harness.send(false, frames.get(2).getFirst());
        harness.send(false, frames.get(1).getFirst());
        harness.send(false, frames.get(3).getFirst());
        assertThat(harness.forwarded).extracting(Forwarded::pictureId).containsExactly(0, 2, 1, 3);
    }

    @Test
    void streamWithoutTemporalLayersPassesWhole() {
        ForwardingHarness harness = new ForwardingHarness(VP8, 0, 0);
        assertThat(harness.send(true, 0x10, 0x10, 0x00, 0x00)).isTrue(); // S=1, PID=0, key frame header
        assertThat(harness.send(false, 0x10, 0x11, 0x00, 0x00)).isTrue(); // inter frame start
        assertThat(harness.send(true, 0x00, 0xaa)).isTrue();               // its continuation
        assertThat(harness.rewriter.currentTemporalLayer()).isZero();
        assertThat(harness.forwarded).extracting(Forwarded::marker).containsExactly(true, false, true);
    }

    @Test
    void aPausedConsumerForwardsNothing() {
        Vp8Source source = new Vp8Source(0, 15, 0);
        ForwardingHarness harness = new ForwardingHarness(VP8, 0, -1);
        assertThat(sendFrame(harness, source, true, 1)).isFalse();
    }

    /** Sends a frame's packets (the last with the marker); whether they were forwarded, all or none. */
    static boolean sendFrame(ForwardingHarness harness, Vp8Source source, boolean keyFrame, int packets) {
        List<int[]> payloads = source.frame(keyFrame, packets);
        Boolean forwarded = null;
        for (int i = 0; i < payloads.size(); i++) {
            boolean packetForwarded = harness.send(i == payloads.size() - 1, payloads.get(i));
            if (forwarded != null) {
                assertThat(packetForwarded).as("the frame's packets share its decision").isEqualTo(forwarded);
            }
            forwarded = packetForwarded;
        }
        return forwarded;
    }

    /** Picture ids +1 per forwarded frame; TL0PICIDX +1 per base layer frame and unchanged in between. */
    static void assertContinuous(List<Forwarded> frames, int bits) {
        int mask = bits == 15 ? 0x7FFF : 0x7F;
        for (int i = 1; i < frames.size(); i++) {
            Forwarded previous = frames.get(i - 1);
            Forwarded frame = frames.get(i);
            assertThat(frame.pictureId()).as("picture id after %s", previous)
                    .isEqualTo((previous.pictureId() + 1) & mask);
            int expectedTl0 = frame.temporalLayer() == 0 ? (previous.tl0PicIdx() + 1) & 0xFF : previous.tl0PicIdx();
            assertThat(frame.tl0PicIdx()).as("TL0PICIDX of %s after %s", frame, previous).isEqualTo(expectedTl0);
        }
    }
}
