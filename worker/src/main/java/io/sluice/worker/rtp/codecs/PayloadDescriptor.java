package io.sluice.worker.rtp.codecs;

/**
 * What a layered consumer needs of one RTP packet's payload; one reusable instance per consumer,
 * filled by a {@link PayloadParser}. Not thread-safe.
 */
public final class PayloadDescriptor {

    /**
     * Whether this packet belongs to a key frame / intra picture a decoder can start from (for VP9
     * SVC: a key frame of spatial layer 0 onward).
     */
    public boolean keyFrame() {
        throw new UnsupportedOperationException();
    }

    /** Whether this is the first packet of a frame (of a layer frame, for VP9). */
    public boolean startOfFrame() {
        throw new UnsupportedOperationException();
    }

    /** Whether this is the last packet of a frame (of a layer frame, for VP9). */
    public boolean endOfFrame() {
        throw new UnsupportedOperationException();
    }

    /** The spatial layer index; 0 when not layered. */
    public int spatialLayer() {
        throw new UnsupportedOperationException();
    }

    /** The temporal layer index; 0 when not signalled. */
    public int temporalLayer() {
        throw new UnsupportedOperationException();
    }

    /** A temporal switching point: the VP8 Y bit, the VP9 U (switching up point) bit. */
    public boolean layerSync() {
        throw new UnsupportedOperationException();
    }

    /** The VP9 D bit (this spatial layer depends on the one below); false otherwise. */
    public boolean interLayerDependency() {
        throw new UnsupportedOperationException();
    }

    /** Whether the payload signalled its temporal/spatial indices at all. */
    public boolean hasLayerIndices() {
        throw new UnsupportedOperationException();
    }

    /** Resets every field to "not layered, nothing known". */
    public void clear() {
        throw new UnsupportedOperationException();
    }
}
