package io.sluice.worker.rtp.codecs;

/**
 * What a layered consumer needs of one RTP packet's payload; one reusable instance per consumer,
 * filled by a {@link PayloadParser}. Not thread-safe.
 *
 * <p>The parser sets every field on each call (it starts with {@link #clear()}), so a descriptor
 * never carries a value over from the previous packet. Offsets are relative to the payload's
 * first byte, so that a {@link LayerRewriter} can apply them to the consumer's copy of the packet,
 * whose payload starts elsewhere.
 */
public final class PayloadDescriptor {

    /** {@link #pictureId()} and friends when the payload does not carry the field. */
    public static final int ABSENT = -1;

    boolean keyFrame;
    boolean startOfFrame;
    boolean endOfFrame;
    boolean marker;
    int spatialLayer;
    int temporalLayer;
    boolean layerSync;
    boolean interLayerDependency;
    boolean hasLayerIndices;
    boolean interPicturePredicted;
    boolean flexibleMode;
    int pictureId;
    int pictureIdBits;
    int pictureIdOffset;
    int tl0PicIdx;
    int tl0PicIdxOffset;
    int keyIndex;
    int spatialLayerCount;

    public PayloadDescriptor() {
        clear();
    }

    /**
     * Whether this packet belongs to a key frame / intra picture a decoder can start from. VP8: the
     * first packet of a key frame (RFC 7741 §4.3; later packets of the frame carry no flag). VP9:
     * the first packet (B) of a layer frame without inter-picture prediction (P=0) that is either
     * of spatial layer 0 (and whose VP9 frame header, when readable, says key frame) or predicted
     * only from the layer below (D=1): the layer frames of a key picture from spatial layer 0
     * onward (RFC 9628 §4.2). H264: a packet carrying an IDR slice or an SPS (RFC 6184 §5; of a
     * FU-A, the first fragment). AV1: the first packet of a new coded video sequence (N=1).
     */
    public boolean keyFrame() {
        return keyFrame;
    }

    /** Whether this is the first packet of a frame (of a layer frame, for VP9). */
    public boolean startOfFrame() {
        return startOfFrame;
    }

    /** Whether this is the last packet of a frame (of a layer frame, for VP9: the E bit). */
    public boolean endOfFrame() {
        return endOfFrame;
    }

    /** The RTP marker bit the packet arrived with (end of a picture, for every video codec here). */
    public boolean marker() {
        return marker;
    }

    /** The spatial layer index; 0 when not layered. */
    public int spatialLayer() {
        return spatialLayer;
    }

    /** The temporal layer index; 0 when not signalled. */
    public int temporalLayer() {
        return temporalLayer;
    }

    /** A temporal switching point: the VP8 Y bit, the VP9 U (switching up point) bit. */
    public boolean layerSync() {
        return layerSync;
    }

    /** The VP9 D bit (this spatial layer depends on the one below); false otherwise. */
    public boolean interLayerDependency() {
        return interLayerDependency;
    }

    /** Whether the payload signalled its temporal/spatial indices at all. */
    public boolean hasLayerIndices() {
        return hasLayerIndices;
    }

    /** The VP9 P bit: the layer frame uses inter-picture prediction; for VP8 and H264 {@code !keyFrame()}. */
    public boolean interPicturePredicted() {
        return interPicturePredicted;
    }

    /** The VP9 F bit: flexible mode, references given as P_DIFFs and no TL0PICIDX. */
    public boolean flexibleMode() {
        return flexibleMode;
    }

    /** The picture id (VP8, VP9), 7 or 15 bits wide, or {@link #ABSENT}. */
    public int pictureId() {
        return pictureId;
    }

    /** 7 or 15 when a picture id is present (M bit), 0 otherwise. */
    public int pictureIdBits() {
        return pictureIdBits;
    }

    /** The offset of the picture id's first byte from the payload's start, or {@link #ABSENT}. */
    public int pictureIdOffset() {
        return pictureIdOffset;
    }

    /** TL0PICIDX (VP8; VP9 in non-flexible mode), or {@link #ABSENT}. */
    public int tl0PicIdx() {
        return tl0PicIdx;
    }

    /** The offset of TL0PICIDX from the payload's start, or {@link #ABSENT}. */
    public int tl0PicIdxOffset() {
        return tl0PicIdxOffset;
    }

    /** The VP8 KEYIDX, or {@link #ABSENT}. */
    public int keyIndex() {
        return keyIndex;
    }

    /**
     * The number of spatial layers announced by a VP9 scalability structure (N_S + 1) in this
     * packet, or 0 when the packet carries none.
     */
    public int spatialLayerCount() {
        return spatialLayerCount;
    }

    /** Resets every field to "not layered, nothing known". */
    public void clear() {
        keyFrame = false;
        startOfFrame = false;
        endOfFrame = false;
        marker = false;
        spatialLayer = 0;
        temporalLayer = 0;
        layerSync = false;
        interLayerDependency = false;
        hasLayerIndices = false;
        interPicturePredicted = false;
        flexibleMode = false;
        pictureId = ABSENT;
        pictureIdBits = 0;
        pictureIdOffset = ABSENT;
        tl0PicIdx = ABSENT;
        tl0PicIdxOffset = ABSENT;
        keyIndex = ABSENT;
        spatialLayerCount = 0;
    }

    @Override
    public String toString() {
        return "PayloadDescriptor{key=" + keyFrame + ", start=" + startOfFrame + ", end=" + endOfFrame
                + ", marker=" + marker + ", S" + spatialLayer + "T" + temporalLayer + ", sync=" + layerSync
                + ", D=" + interLayerDependency + ", P=" + interPicturePredicted + ", pictureId=" + pictureId
                + "/" + pictureIdBits + ", tl0=" + tl0PicIdx + "}";
    }
}
