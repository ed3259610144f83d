package io.sluice.worker.rtp.codecs;

/**
 * The temporal layer a VP8 or VP9 rewriter forwards, decided once per frame (VP8) or picture
 * (VP9): at a key frame it becomes the target; elsewhere it goes down to the target at once and
 * up one layer at a time, at a frame with the layer sync bit (VP8 Y, RFC 7741 §4.2; VP9 U, RFC
 * 9628 §4.2), which depends only on lower layers. A frame without layer indices is one layer, 0.
 */
final class TemporalLayerSelection {

    private int current = -1;

    /** The temporal layer being forwarded; -1 before the first key frame. */
    int current() {
        return current;
    }

    /** A key frame (picture) starts: forwarded, and the current layer becomes the target. */
    void startAtKeyFrame(PayloadDescriptor d, int targetTemporalLayer) {
        current = d.hasLayerIndices() ? targetTemporalLayer : 0;
    }

    /** Whether the newest frame, no key frame, is forwarded; updates the current layer. */
    boolean forwardsNewFrame(PayloadDescriptor d, int targetTemporalLayer) {
        if (!d.hasLayerIndices()) {
            current = 0;
            return true;
        }
        if (current > targetTemporalLayer) {
            current = targetTemporalLayer;
        }
        int layer = d.temporalLayer();
        if (layer == current + 1 && layer <= targetTemporalLayer && d.layerSync()) {
            current = layer;
        }
        return layer <= current;
    }

    /** Whether a frame older than the newest one seen (reordered) is forwarded; changes nothing. */
    boolean forwardsOlderFrame(PayloadDescriptor d) {
        return d.temporalLayer() <= current;
    }
}
