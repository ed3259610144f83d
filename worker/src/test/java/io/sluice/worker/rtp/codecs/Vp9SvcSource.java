package io.sluice.worker.rtp.codecs;

import java.util.ArrayList;
import java.util.List;

/**
 * A VP9 SVC sender in non-flexible mode (RFC 9628 §4.2) as libwebrtc sends L{n}T3 and
 * L{n}T3_KEY: one picture id per picture, TL0PICIDX +1 per base temporal layer picture, the
 * temporal pattern 0,2,1,2 with U set on the second and third picture of each group, a key picture
 * whose first packet carries the scalability structure. In K-SVC the layers of inter pictures
 * predict only from themselves (P=1, D=0); in full SVC they also use the layer below (D=1).
 */
final class Vp9SvcSource {

    /** One packet: its payload and RTP marker. */
    record Packet(int[] payload, boolean marker, int spatialLayer, int temporalLayer) {
    }

    private static final int[] TEMPORAL_PATTERN = {0, 2, 1, 2};
    private static final boolean[] UP_SWITCH = {false, true, true, false};

    private final int spatialLayers;
    private final boolean kSvc;
    private int nextPictureId;
    private int tl0PicIdx;
    private int index;
    /** Packets per layer frame. */
    int packetsPerLayerFrame = 2;
    /** Whether key pictures carry the scalability structure. */
    boolean scalabilityStructure = true;
    /** The spatial layers sent now (the sender may stop its top ones); all by default. */
    int activeSpatialLayers;

    Vp9SvcSource(int spatialLayers, boolean kSvc, int firstPictureId, int firstTl0PicIdx) {
        this.spatialLayers = spatialLayers;
        this.activeSpatialLayers = spatialLayers;
        this.kSvc = kSvc;
        this.nextPictureId = firstPictureId;
        this.tl0PicIdx = (firstTl0PicIdx - 1) & 0xFF;
    }

    List<Packet> picture(boolean keyPicture) {
        if (keyPicture) {
            index = 0;
        }
        int temporalLayer = TEMPORAL_PATTERN[index % 4];
        boolean upSwitch = UP_SWITCH[index % 4];
        if (temporalLayer == 0) {
            tl0PicIdx = (tl0PicIdx + 1) & 0xFF;
        }
        int pictureId = nextPictureId;
        nextPictureId = (nextPictureId + 1) & 0x7FFF;
        index++;
        List<Packet> packets = new ArrayList<>();
        for (int spatialLayer = 0; spatialLayer < activeSpatialLayers; spatialLayer++) {
            boolean interPicture = !keyPicture;
            boolean dependsOnLayerBelow = spatialLayer > 0 && (keyPicture || !kSvc);
            for (int i = 0; i < packetsPerLayerFrame; i++) {
                boolean first = i == 0;
                boolean last = i == packetsPerLayerFrame - 1;
                boolean withStructure = scalabilityStructure && keyPicture && spatialLayer == 0 && first;
                List<Integer> bytes = new ArrayList<>();
                bytes.add(0x80 | (interPicture ? 0x40 : 0) | 0x20 | (first ? 0x08 : 0) | (last ? 0x04 : 0)
                        | (withStructure ? 0x02 : 0));          // I=1, P, L=1, F=0, B, E, V
                bytes.add(0x80 | (pictureId >>> 8));            // M=1, 15-bit picture id
                bytes.add(pictureId & 0xFF);
                bytes.add(temporalLayer << 5 | (upSwitch ? 0x10 : 0) | spatialLayer << 1
                        | (dependsOnLayerBelow ? 1 : 0));       // TID, U, SID, D
                bytes.add(tl0PicIdx);                           // TL0PICIDX
                if (withStructure) {
                    bytes.add((spatialLayers - 1) << 5 | 0x08); // SS: N_S, Y=0, G=1
                    bytes.add(4);                               // N_G = 4
                    bytes.add(0x04); bytes.add(4);              // TID 0, R=1, P_DIFF 4
                    bytes.add(0x54); bytes.add(1);              // TID 2, U, R=1, P_DIFF 1
                    bytes.add(0x34); bytes.add(2);              // TID 1, U, R=1, P_DIFF 2
                    bytes.add(0x44); bytes.add(1);              // TID 2, R=1, P_DIFF 1
                }
                if (first) {
                    // VP9 uncompressed header: frame_marker 2, profile 0, show_existing_frame 0,
                    // frame_type 0 (key) for layer 0 of a key picture, 1 (inter) elsewhere.
                    bytes.add(keyPicture && spatialLayer == 0 ? 0x82 : 0x86);
                }
                bytes.add(0x11 * (spatialLayer + 1));          // VP9 data
                boolean marker = last && spatialLayer == activeSpatialLayers - 1;
                packets.add(new Packet(bytes.stream().mapToInt(Integer::intValue).toArray(), marker, spatialLayer,
                        temporalLayer));
            }
        }
        return packets;
    }
}
