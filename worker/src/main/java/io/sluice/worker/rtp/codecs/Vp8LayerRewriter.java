package io.sluice.worker.rtp.codecs;

import io.netty.buffer.ByteBuf;

/**
 * Temporal layer filtering and picture id / TL0PICIDX continuity for VP8 (RFC 7741 §4.2).
 *
 * <ul>
 *   <li>Nothing is forwarded before a key frame: the first one, and the first one after {@link
 *       #onSourceSwitch()}. There the picture id continues from the last one sent, and so does
 *       TL0PICIDX, and the current temporal layer becomes the target.
 *   <li>Each picture is decided once, at its first packet seen; its other packets (and
 *       retransmissions) follow that decision. Down-switching therefore happens at a frame
 *       boundary. Up-switching goes one layer at a time, at a frame of the next layer that has the
 *       Y bit (it depends only on the base layer): a Y frame two layers up can be followed by
 *       frames of the layer in between that reference frames never sent. libwebrtc's 3-layer
 *       pattern sets Y on a layer 2 and then a layer 1 frame every 8 frames, so the top layer is
 *       reached within two such cycles; a key frame reaches it at once.
 *   <li>Dropped pictures are taken out of the picture id sequence, so that the receiver sees a
 *       continuous stream (a gap would read as a lost frame a decoder waits for). TL0PICIDX needs no
 *       such care: base layer frames are never dropped.
 * </ul>
 *
 * <p>For simulcast the spatial layer reported is 0: the consumer knows which source it forwards.
 */
final class Vp8LayerRewriter implements LayerRewriter {

    private final PictureMap pictures = new PictureMap(true);
    private final Tl0PicIdxMap tl0PicIdxs = new Tl0PicIdxMap();
    private final IdRewrite rewrite = new IdRewrite();
    private final TemporalLayerSelection temporalLayer = new TemporalLayerSelection();
    private boolean waitingForKeyFrame = true;
    private boolean started;
    /** The decision for the frame in progress, for packets without a picture id. */
    private boolean frameForwarded;
    private boolean marker;

    @Override
    public boolean accept(PayloadDescriptor d, int targetSpatialLayer, int targetTemporalLayer) {
        rewrite.clear();
        if (targetTemporalLayer < 0) {
            return false;
        }
        boolean hasPictureId = d.pictureId() != PayloadDescriptor.ABSENT;
        if (waitingForKeyFrame) {
            if (!d.keyFrame()) {
                return false;
            }
            waitingForKeyFrame = false;
            if (hasPictureId) {
                pictures.resync(d.pictureId(), d.pictureIdBits());
            }
            if (d.tl0PicIdx() != PayloadDescriptor.ABSENT) {
                tl0PicIdxs.resync(d.tl0PicIdx());
            }
        }
        boolean newest = true;
        if (hasPictureId) {
            int slot = pictures.find(d.pictureId());
            if (slot == PictureMap.UNKNOWN) {
                return false;
            }
            if (slot == PictureMap.NEWER) {
                slot = pictures.advance(d.pictureId());
            }
            newest = pictures.newest(slot);
            if (pictures.pending(slot)) {
                boolean forward = newest ? decide(d, targetTemporalLayer) : temporalLayer.forwardsOlderFrame(d);
                if (forward) {
                    pictures.forward(slot);
                } else {
                    pictures.drop(slot);
                }
            }
            if (!pictures.forwarded(slot)) {
                return false;
            }
            rewrite.setPictureId(pictures.outId(slot), d);
        } else {
            if (d.startOfFrame() || !started) {
                frameForwarded = decide(d, targetTemporalLayer);
            }
            if (!frameForwarded) {
                return false;
            }
        }
        if (d.tl0PicIdx() != PayloadDescriptor.ABSENT) {
            rewrite.setTl0PicIdx(tl0PicIdxs.map(d.tl0PicIdx(), newest), d);
        }
        started = true;
        marker = d.marker();
        return true;
    }

    /** The decision for a new frame, which updates the current temporal layer. */
    private boolean decide(PayloadDescriptor d, int targetTemporalLayer) {
        if (d.keyFrame()) {
            temporalLayer.startAtKeyFrame(d, targetTemporalLayer);
            return true;
        }
        return temporalLayer.forwardsNewFrame(d, targetTemporalLayer);
    }

    @Override
    public void rewrite(ByteBuf packet, int payloadOffset, int payloadLength) {
        rewrite.write(packet, payloadOffset, payloadLength);
    }

    @Override
    public boolean endOfForwardedFrame() {
        return marker;
    }

    @Override
    public void onSourceSwitch() {
        waitingForKeyFrame = true;
    }

    @Override
    public boolean needsKeyFrame(int targetSpatialLayer) {
        return waitingForKeyFrame;
    }

    @Override
    public int currentSpatialLayer() {
        return started ? 0 : -1;
    }

    @Override
    public int currentTemporalLayer() {
        return started ? temporalLayer.current() : -1;
    }
}
