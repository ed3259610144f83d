package io.sluice.worker.rtp.codecs;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A VP8 sender with temporal layers as libwebrtc sends them (RFC 7741 §4.2): picture id +1 per
 * frame, TL0PICIDX +1 per base layer frame, a key frame on layer 0, the 3-layer pattern 0,2,1,2.
 * The Y bit is set as libwebrtc's DefaultTemporalLayers sets it for 3 layers: every 8 frames, on
 * the layer 2 frame and then the layer 1 frame that reference only the base layer (frames 1 and 2
 * of each 8), unless {@link #syncFrames} names the frames (by index since the key frame) instead.
 */
final class Vp8Source {

    static final int[] THREE_LAYERS = {0, 2, 1, 2};

    private final int pictureIdBits;
    private int nextPictureId;
    private int tl0PicIdx;
    private int index;
    /** Indices since the key frame of the frames above layer 0 that carry the Y bit; null: libwebrtc's cadence. */
    Set<Integer> syncFrames;

    Vp8Source(int firstPictureId, int pictureIdBits, int firstTl0PicIdx) {
        this.nextPictureId = firstPictureId;
        this.pictureIdBits = pictureIdBits;
        this.tl0PicIdx = (firstTl0PicIdx - 1) & 0xFF;
    }

    /** One frame: {@code packets} payloads, of temporal layer from the pattern, the first a key frame when asked. */
    List<int[]> frame(boolean keyFrame, int packets) {
        if (keyFrame) {
            index = 0;
        }
        int temporalLayer = THREE_LAYERS[index % THREE_LAYERS.length];
        boolean sync = temporalLayer > 0
                && (syncFrames == null ? index % 8 == 1 || index % 8 == 2 : syncFrames.contains(index));
        if (temporalLayer == 0) {
            tl0PicIdx = (tl0PicIdx + 1) & 0xFF;
        }
        int pictureId = nextPictureId;
        nextPictureId = (nextPictureId + 1) & (pictureIdBits == 7 ? 0x7F : 0x7FFF);
        index++;
        List<int[]> payloads = new ArrayList<>();
        for (int i = 0; i < packets; i++) {
            payloads.add(payload(pictureId, temporalLayer, sync, i == 0, keyFrame));
        }
        return payloads;
    }

    int lastTemporalLayer() {
        return THREE_LAYERS[(index - 1) % THREE_LAYERS.length];
    }

    private int[] payload(int pictureId, int temporalLayer, boolean sync, boolean first, boolean keyFrame) {
        List<Integer> bytes = new ArrayList<>();
        bytes.add(0x80 | (first ? 0x10 : 0));       // X=1, S on the frame's first packet, PID=0
        bytes.add(0xe0);                             // I=1, L=1, T=1, K=0
        if (pictureIdBits == 15) {
            bytes.add(0x80 | (pictureId >>> 8));     // M=1, high bits
            bytes.add(pictureId & 0xFF);
        } else {
            bytes.add(pictureId);                    // M=0
        }
        bytes.add(tl0PicIdx);                        // TL0PICIDX
        bytes.add(temporalLayer << 6 | (sync ? 0x20 : 0)); // TID, Y
        if (first) {
            bytes.add(keyFrame ? 0x10 : 0x11);       // §4.3 payload header, P bit
            bytes.add(0x00);
            bytes.add(0x00);
        }
        bytes.add(0xaa);
        return bytes.stream().mapToInt(Integer::intValue).toArray();
    }
}
