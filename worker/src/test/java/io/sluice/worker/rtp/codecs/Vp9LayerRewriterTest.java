package io.sluice.worker.rtp.codecs;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.worker.rtp.codecs.ForwardingHarness.Forwarded;
import io.sluice.worker.rtp.codecs.Vp9SvcSource.Packet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Spatial and temporal layer filtering for VP9 SVC (RFC 9628 §4.1, §4.2), K-SVC and full SVC. */
class Vp9LayerRewriterTest {

    private static final String VP9 = "video/VP9";

    @Test
    void kSvcAtTheTopForwardsAllLayersOfKeyPicturesAndOnlyTheTopOneElsewhere() {
        Vp9SvcSource source = new Vp9SvcSource(3, true, 1_000, 50);
        ForwardingHarness harness = new ForwardingHarness(VP9, 2, 2);
        List<List<Packet>> pictures = new ArrayList<>();
        for (int picture = 0; picture < 9; picture++) {
            pictures.add(send(harness, source, picture == 0));
        }

        assertThat(layersOf(pictures.get(0))).containsExactly(0, 0, 1, 1, 2, 2);
        for (int picture = 1; picture < 9; picture++) {
            // The first inter picture shows the structure at its layer 1 (P=1, D=0): its layer 0,
            // seen before, passes.
            assertThat(layersOf(pictures.get(picture))).as("picture %d", picture)
                    .containsExactlyElementsOf(picture == 1 ? List.of(0, 0, 2, 2) : List.of(2, 2));
        }
        assertThat(harness.rewriter.currentSpatialLayer()).isEqualTo(2);
        assertThat(harness.rewriter.currentTemporalLayer()).isEqualTo(2);
        assertThat(harness.frameStarts().getFirst().pictureId()).as("the first source keeps its ids").isEqualTo(1_000);
        assertMarkersEndPictures(harness.forwarded);
    }

    @Test
    void kSvcScalabilityModeDropsLowerLayersFromTheFirstInterPicture() {
        Vp9SvcSource source = new Vp9SvcSource(3, true, 1_000, 50);
        ForwardingHarness harness = new ForwardingHarness(VP9, LayerRewriter.forMimeType(VP9, "L3T3_KEY"), 2, 2);
        send(harness, source, true);
        assertThat(layersOf(send(harness, source, false))).containsExactly(2, 2);
    }

    @Test
    void kSvcBelowTheTopSetsTheMarkerOnTheHighestForwardedLayer() {
        Vp9SvcSource source = new Vp9SvcSource(3, true, 32_760, 254);
        ForwardingHarness harness = new ForwardingHarness(VP9, LayerRewriter.forMimeType(VP9, "L3T3_KEY"), 1, 2);
        List<List<Packet>> pictures = new ArrayList<>();
        for (int picture = 0; picture < 12; picture++) {
            pictures.add(send(harness, source, picture == 0));
        }

        assertThat(layersOf(pictures.get(0))).containsExactly(0, 0, 1, 1);
        for (int picture = 1; picture < 12; picture++) {
            assertThat(layersOf(pictures.get(picture))).containsExactly(1, 1);
        }
        assertMarkersEndPictures(harness.forwarded);
        assertThat(harness.forwarded.stream().filter(Forwarded::marker))
                .as("one marker per picture, on layer 1").hasSize(12)
                .allSatisfy(packet -> assertThat(packet.spatialLayer()).isEqualTo(1));
        assertThat(harness.rewriter.currentSpatialLayer()).isEqualTo(1);
        assertThat(harness.rewriter.needsKeyFrame(1)).isFalse();
    }

    @Test
    void temporalLayersAreDroppedWithoutRenumberingPictures() {
        Vp9SvcSource source = new Vp9SvcSource(3, true, 32_760, 254);
        ForwardingHarness harness = new ForwardingHarness(VP9, 0, 1);
        List<Integer> sentIds = new ArrayList<>();
        for (int picture = 0; picture < 16; picture++) {
            List<Packet> sent = send(harness, source, picture == 0);
            if (!sent.isEmpty()) {
                assertThat(sent).allSatisfy(packet -> assertThat(packet.temporalLayer()).isLessThanOrEqualTo(1));
                sentIds.add((32_760 + picture) & 0x7FFF);
            }
        }

        List<Forwarded> frames = harness.frameStarts();
        assertThat(frames).extracting(Forwarded::pictureId).containsExactlyElementsOf(sentIds);
        assertThat(frames).extracting(Forwarded::spatialLayer).containsOnly(0);
        // TL0PICIDX of the base pictures: 254, 255, 0, 1 (wrapped), unchanged.
        assertThat(frames.stream().filter(frame -> frame.temporalLayer() == 0).map(Forwarded::tl0PicIdx))
                .containsExactly(254, 255, 0, 1);
        assertThat(harness.forwarded.stream().filter(Forwarded::marker)).hasSize(frames.size());
    }

    @Test
    void kSvcChangesSpatialLayerOnlyAtKeyPictures() {
        Vp9SvcSource source = new Vp9SvcSource(3, true, 0, 0);
        ForwardingHarness harness = new ForwardingHarness(VP9, LayerRewriter.forMimeType(VP9, "L3T3_KEY"), 2, 2);
        for (int picture = 0; picture < 4; picture++) {
            send(harness, source, picture == 0);
        }
        harness.targetSpatialLayer = 0;
        assertThat(harness.rewriter.needsKeyFrame(0)).as("layer 0's inter frames predict from frames not sent")
                .isTrue();
        assertThat(layersOf(send(harness, source, false))).containsExactly(2, 2);
        assertThat(layersOf(send(harness, source, true))).containsExactly(0, 0);
        assertThat(layersOf(send(harness, source, false))).containsExactly(0, 0);
        assertThat(harness.rewriter.currentSpatialLayer()).isZero();

        harness.targetSpatialLayer = 1;
        assertThat(harness.rewriter.needsKeyFrame(1)).isTrue();
        assertThat(layersOf(send(harness, source, false))).containsExactly(0, 0);
        assertThat(layersOf(send(harness, source, true))).containsExactly(0, 0, 1, 1);
        assertThat(layersOf(send(harness, source, false))).containsExactly(1, 1);
        assertMarkersEndPictures(harness.forwarded);
    }

    @Test
    void fullSvcForwardsTheLayersBelowAndGoesDownWithoutAKeyFrame() {
        Vp9SvcSource source = new Vp9SvcSource(3, false, 0, 0);
        ForwardingHarness harness = new ForwardingHarness(VP9, 1, 2);
        for (int picture = 0; picture < 4; picture++) {
            assertThat(layersOf(send(harness, source, picture == 0))).containsExactly(0, 0, 1, 1);
        }
        harness.targetSpatialLayer = 2;
        assertThat(harness.rewriter.needsKeyFrame(2)).isTrue();
        assertThat(layersOf(send(harness, source, false))).as("layer 2 predicts from its past frames")
                .containsExactly(0, 0, 1, 1);
        assertThat(layersOf(send(harness, source, true))).containsExactly(0, 0, 1, 1, 2, 2);
        assertThat(layersOf(send(harness, source, false))).containsExactly(0, 0, 1, 1, 2, 2);

        harness.targetSpatialLayer = 0;
        assertThat(harness.rewriter.needsKeyFrame(0)).isFalse();
        assertThat(layersOf(send(harness, source, false))).containsExactly(0, 0);
        assertThat(harness.rewriter.currentSpatialLayer()).isZero();
        assertMarkersEndPictures(harness.forwarded);
    }

    @Test
    void temporalUpSwitchHappensAtTheUBitOfTheNextLayer() {
        Vp9SvcSource source = new Vp9SvcSource(1, false, 0, 0);
        source.packetsPerLayerFrame = 1;
        ForwardingHarness harness = new ForwardingHarness(VP9, 0, 0);
        List<Integer> forwardedPictures = new ArrayList<>();
        for (int picture = 0; picture < 16; picture++) {
            if (picture == 5) {
                harness.targetTemporalLayer = 2;
            }
            if (!send(harness, source, picture == 0).isEmpty()) {
                forwardedPictures.add(picture);
            }
        }
        // Pattern 0,2,1,2 with U on the 2nd and 3rd of each group. From picture 5 (layer 2, U):
        // not the next layer up. 6 (layer 1, U): up to 1. 9 (layer 2, U): up to 2.
        assertThat(forwardedPictures).containsExactly(0, 4, 6, 8, 9, 10, 11, 12, 13, 14, 15);
    }

    @Test
    void theKeyPictureAndTheScalabilityStructureCapTheSpatialLayer() {
        Vp9SvcSource twoLayers = new Vp9SvcSource(2, true, 0, 0);
        ForwardingHarness harness = new ForwardingHarness(VP9, 2, 2);
        send(harness, twoLayers, true);
        assertThat(harness.rewriter.currentSpatialLayer()).as("the structure announces 2 layers").isEqualTo(1);
        assertThat(harness.rewriter.needsKeyFrame(2)).isFalse();

        ForwardingHarness plain = new ForwardingHarness(VP9, 2, 2);
        assertThat(plain.send(true, 0x8c, 0x05, 0x00)).isTrue(); // I=1, P=0, B=1, E=1, PICTURE ID 5: one key frame
        assertThat(plain.rewriter.currentSpatialLayer()).as("the key picture has layer 0 only").isZero();
        assertThat(plain.rewriter.currentTemporalLayer()).isZero();
        assertThat(plain.send(true, 0xcc, 0x06, 0x00)).isTrue();  // P=1: inter frame
        assertThat(plain.forwarded).extracting(Forwarded::marker).containsExactly(true, true);
    }

    @Test
    void aSenderThatStopsItsTopLayerIsFollowedDownWithoutEndlessKeyFrameRequests() {
        Vp9SvcSource source = new Vp9SvcSource(3, true, 0, 0);
        source.scalabilityStructure = false;
        ForwardingHarness harness = new ForwardingHarness(VP9, 2, 2);
        assertThat(layersOf(send(harness, source, true))).containsExactly(0, 0, 1, 1, 2, 2);
        assertThat(layersOf(send(harness, source, false))).containsExactly(0, 0, 2, 2);

        // The sender stops layer 2; the consumer, seeing its bitrate fall to nothing, targets 1.
        source.activeSpatialLayers = 2;
        assertThat(send(harness, source, false)).as("K-SVC: layer 1 predicts from frames not sent").isEmpty();
        harness.targetSpatialLayer = 1;
        assertThat(harness.rewriter.needsKeyFrame(1)).as("K-SVC goes down at a key picture").isTrue();
        assertThat(layersOf(send(harness, source, true))).containsExactly(0, 0, 1, 1);
        assertThat(harness.rewriter.currentSpatialLayer()).isEqualTo(1);
        assertThat(layersOf(send(harness, source, false))).containsExactly(1, 1);

        // Back to the preferred layer 2, which the sender does not send: nothing to ask for.
        harness.targetSpatialLayer = 2;
        assertThat(harness.rewriter.needsKeyFrame(2)).as("no key frame brings a layer not sent").isFalse();
        assertThat(layersOf(send(harness, source, true))).containsExactly(0, 0, 1, 1);
        assertThat(harness.rewriter.currentSpatialLayer()).as("capped by the key picture").isEqualTo(1);
        assertThat(harness.rewriter.needsKeyFrame(2)).isFalse();
        assertThat(layersOf(send(harness, source, false))).containsExactly(1, 1);

        source.activeSpatialLayers = 3;
        send(harness, source, false);
        assertThat(harness.rewriter.needsKeyFrame(2)).as("layer 2 is back").isTrue();
        assertThat(layersOf(send(harness, source, true))).containsExactly(0, 0, 1, 1, 2, 2);
        assertMarkersEndPictures(harness.forwarded);
    }

    @Test
    void switchingSimulcastSourcesContinuesPictureIdsAndTl0PicIdx() {
        Vp9SvcSource low = new Vp9SvcSource(1, false, 7_000, 10);
        Vp9SvcSource high = new Vp9SvcSource(1, false, 123, 200);
        ForwardingHarness harness = new ForwardingHarness(VP9, 0, 2);
        for (int picture = 0; picture < 6; picture++) {
            send(harness, low, picture == 0);
            high.picture(picture == 0);
        }
        Forwarded last = harness.frameStarts().getLast();
        harness.rewriter.onSourceSwitch();
        assertThat(send(harness, high, false)).isEmpty();
        send(harness, high, true);
        Forwarded first = harness.frameStarts().getLast();
        assertThat(first.pictureId()).isEqualTo(last.pictureId() + 1);
        int lastTl0 = harness.frameStarts().get(harness.frameStarts().size() - 2).tl0PicIdx();
        assertThat(first.tl0PicIdx()).isEqualTo((lastTl0 + 1) & 0xFF);
        send(harness, high, false);
        assertThat(harness.frameStarts().getLast().pictureId()).isEqualTo(last.pictureId() + 2);
        assertThat(harness.frameStarts().getLast().tl0PicIdx()).isEqualTo(first.tl0PicIdx());
    }

    @Test
    void flexibleModeKeepsPictureIdsAndReferences() {
        ForwardingHarness harness = new ForwardingHarness(VP9, 0, 0);
        assertThat(harness.send(true, 0xbc, 0x80, 0x0a, 0x00, 0x00)).isTrue();       // I,L,F,B,E; pid 10; TID 0; key
        assertThat(harness.send(true, 0xfc, 0x80, 0x0b, 0x50, 0x03, 0x00)).isFalse(); // pid 11, TID 2, U, P_DIFF 1
        assertThat(harness.send(true, 0xfc, 0x80, 0x0c, 0x00, 0x05, 0x00)).isTrue();  // pid 12, TID 0, P_DIFF 2
        assertThat(harness.forwarded).extracting(Forwarded::pictureId).containsExactly(10, 12);
    }

    private static List<Packet> send(ForwardingHarness harness, Vp9SvcSource source, boolean keyPicture) {
        List<Packet> forwarded = new ArrayList<>();
        for (Packet packet : source.picture(keyPicture)) {
            if (harness.send(packet.marker(), packet.payload())) {
                forwarded.add(packet);
            }
        }
        return forwarded;
    }

    private static List<Integer> layersOf(List<Packet> packets) {
        return packets.stream().map(Packet::spatialLayer).toList();
    }

    /** Each forwarded picture's last packet, and only it, has the marker; it ends a layer frame (E). */
    private static void assertMarkersEndPictures(List<Forwarded> forwarded) {
        for (int i = 0; i < forwarded.size(); i++) {
            Forwarded packet = forwarded.get(i);
            boolean lastOfPicture = i == forwarded.size() - 1 || forwarded.get(i + 1).pictureId() != packet.pictureId();
            assertThat(packet.marker()).as("marker of packet %d: %s", i, packet).isEqualTo(lastOfPicture);
            if (packet.marker()) {
                assertThat(packet.endOfFrame()).isTrue();
            }
        }
    }
}
