package io.sluice.worker.rtp.codecs;

import io.netty.buffer.ByteBuf;

/**
 * The rewriter of codecs whose payload carries no layers to filter (H264, AV1, ...): it accepts
 * every packet, rewrites nothing and keeps the original marker.
 */
final class PassThroughLayerRewriter implements LayerRewriter {

    private boolean started;
    private boolean marker;

    @Override
    public boolean accept(PayloadDescriptor d, int targetSpatialLayer, int targetTemporalLayer) {
        started = true;
        marker = d.marker();
        return true;
    }

    @Override
    public void rewrite(ByteBuf packet, int payloadOffset, int payloadLength) {
    }

    @Override
    public boolean endOfForwardedFrame() {
        return marker;
    }

    @Override
    public void onSourceSwitch() {
    }

    @Override
    public int currentSpatialLayer() {
        return started ? 0 : -1;
    }

    @Override
    public int currentTemporalLayer() {
        return started ? 0 : -1;
    }
}
