package io.sluice.worker.rtp.codecs;

import io.netty.buffer.ByteBuf;

/**
 * Spatial and temporal layer filtering for VP9 SVC (RFC 9628), and picture id / TL0PICIDX
 * continuity over source switches (VP9 simulcast).
 *
 * <p>A picture is all the layer frames with one picture id; its layer frames come in rising
 * spatial layer order and the RTP marker ends it (RFC 9628 §4.1).
 *
 * <ul>
 *   <li>Nothing is forwarded before a key picture (spatial layer 0 without inter-picture
 *       prediction, B bit): the first one, and the first one after {@link #onSourceSwitch()}.
 *       At a key picture the current layers become the targets (the spatial one capped by the
 *       layer count of a scalability structure, when one was seen, and by the highest layer the
 *       key picture turns out to have).
 *   <li>Temporal layers are decided per picture, at its first packet seen, as for VP8: down at the
 *       picture boundary, up one layer at a time at a picture with the U bit (switching up point;
 *       libwebrtc sets it on pictures that reference only lower temporal layers).
 *   <li>Spatial layers above the current one are dropped. The current one rises at a key picture,
 *       or one layer at a time at a layer frame a decoder can start from: no inter-picture
 *       prediction (P=0), predicted at most from the layer below, which is forwarded.
 *   <li>K-SVC, as Chromium sends it ({@code L3T3_KEY}): spatial layers depend on each other only in
 *       key pictures; elsewhere each layer predicts only from itself (P=1, D=0). Once a layer frame
 *       above layer 0 shows that (or the scalability mode said so), the layers below the current
 *       one are dropped outside key pictures, since nothing needs them, and the current spatial
 *       layer changes only at key pictures (a lower layer's inter frames reference frames that were
 *       not sent). In full SVC (D=1 in inter pictures) the lower layers are forwarded and going
 *       down needs no key frame.
 *   <li>The end of a picture: when the highest forwarded spatial layer is below the highest sent,
 *       the RTP marker must be set on the last packet (E bit) of the highest forwarded layer frame;
 *       {@link #endOfForwardedFrame()} says so. If the picture holds no frame of that layer, the
 *       marker is the original one, on the last layer frame the picture has.
 *   <li>Picture ids are not renumbered over dropped pictures: in non-flexible mode a receiver finds a
 *       picture's place in the group of pictures of the scalability structure from its distance in
 *       picture ids to the group's start (libwebrtc does), and in flexible mode the references are
 *       P_DIFFs, differences of picture ids; both need the original spacing. A gap of dropped
 *       higher temporal layer pictures is what such a receiver expects. Only a source switch
 *       shifts the ids (and TL0PICIDX), so that they continue from the last ones sent.
 * </ul>
 */
final class Vp9LayerRewriter implements LayerRewriter {

    private final PictureMap pictures = new PictureMap(false);
    private final Tl0PicIdxMap tl0PicIdxs = new Tl0PicIdxMap();
    private final IdRewrite rewrite = new IdRewrite();
    private final TemporalLayerSelection temporalLayer = new TemporalLayerSelection();
    private boolean waitingForKeyFrame = true;
    private boolean kSvc;
    private int announcedSpatialLayers;
    /** The highest spatial layer seen since the last key picture began; -1 before any. */
    private int highestLayerSent = -1;
    private int currentSpatialLayer = -1;
    private boolean started;
    /** The key picture in progress, whose highest layer frame caps the current spatial layer. */
    private boolean inKeyPicture;
    /** For packets without a picture id: the picture in progress, forwarded or not, and its top layer. */
    private boolean pictureForwarded;
    private int pictureSpatialLayer;
    private boolean marker;

    /** {@code kSvc}: the producer's scalability mode says K-SVC ({@code ..._KEY}) before any packet shows it. */
    Vp9LayerRewriter(boolean kSvc) {
        this.kSvc = kSvc;
    }

    @Override
    public boolean accept(PayloadDescriptor d, int targetSpatialLayer, int targetTemporalLayer) {
        rewrite.clear();
        marker = false;
        if (targetSpatialLayer < 0 || targetTemporalLayer < 0) {
            return false;
        }
        if (d.spatialLayerCount() > 0) {
            announcedSpatialLayers = d.spatialLayerCount();
        }
        int spatialLayer = d.spatialLayer();
        if (spatialLayer > 0 && d.interPicturePredicted() && d.startOfFrame()) {
            kSvc = !d.interLayerDependency();
        }
        boolean keyPictureStart = d.keyFrame() && spatialLayer == 0 && d.startOfFrame();
        highestLayerSent = keyPictureStart ? 0 : Math.max(highestLayerSent, spatialLayer);
        boolean hasPictureId = d.pictureId() != PayloadDescriptor.ABSENT;
        if (waitingForKeyFrame) {
            if (!keyPictureStart) {
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
        int topLayer;
        boolean newest = true;
        int slot = -1;
        if (hasPictureId) {
            slot = pictures.find(d.pictureId());
            if (slot == PictureMap.UNKNOWN) {
                return false;
            }
            if (slot == PictureMap.NEWER) {
                slot = pictures.advance(d.pictureId());
            }
            newest = pictures.newest(slot);
            if (pictures.pending(slot)) {
                boolean forward = newest
                        ? startPicture(d, keyPictureStart, targetSpatialLayer, targetTemporalLayer)
                        : temporalLayer.forwardsOlderFrame(d);
                pictures.setTag(slot, currentSpatialLayer);
                if (forward) {
                    pictures.forward(slot);
                } else {
                    pictures.drop(slot);
                }
            }
            if (!pictures.forwarded(slot)) {
                return false;
            }
            topLayer = pictures.tag(slot);
        } else {
            if (!started || (d.startOfFrame() && spatialLayer == 0)) {
                pictureForwarded = startPicture(d, keyPictureStart, targetSpatialLayer, targetTemporalLayer);
                pictureSpatialLayer = currentSpatialLayer;
            }
            if (!pictureForwarded) {
                return false;
            }
            topLayer = pictureSpatialLayer;
        }
        if (spatialLayer > topLayer) {
            if (!newest || !switchesUp(d, topLayer, targetSpatialLayer)) {
                return false;
            }
            topLayer = spatialLayer;
            currentSpatialLayer = spatialLayer;
            if (slot >= 0) {
                pictures.setTag(slot, topLayer);
            } else {
                pictureSpatialLayer = topLayer;
            }
        } else if (spatialLayer < topLayer && kSvc && d.interPicturePredicted()) {
            return false;
        }
        if (hasPictureId) {
            rewrite.setPictureId(pictures.outId(slot), d);
        }
        if (d.tl0PicIdx() != PayloadDescriptor.ABSENT) {
            rewrite.setTl0PicIdx(tl0PicIdxs.map(d.tl0PicIdx(), newest), d);
        }
        marker = d.marker() || (d.endOfFrame() && spatialLayer == topLayer);
        if (inKeyPicture && newest && d.marker()) {
            inKeyPicture = false;
            if (spatialLayer < currentSpatialLayer) {
                // The key picture has no higher layer: the stream has none (for now).
                currentSpatialLayer = spatialLayer;
            }
        }
        started = true;
        return true;
    }

    /** The decision for a new picture, which updates the current layers. */
    private boolean startPicture(PayloadDescriptor d, boolean keyPictureStart, int targetSpatialLayer,
            int targetTemporalLayer) {
        int reachableSpatialLayer = announcedSpatialLayers > 0
                ? Math.min(targetSpatialLayer, announcedSpatialLayers - 1)
                : targetSpatialLayer;
        if (keyPictureStart) {
            currentSpatialLayer = reachableSpatialLayer;
            temporalLayer.startAtKeyFrame(d, targetTemporalLayer);
            inKeyPicture = true;
            return true;
        }
        inKeyPicture = false;
        if (currentSpatialLayer > reachableSpatialLayer && !kSvc) {
            currentSpatialLayer = reachableSpatialLayer;
        }
        return temporalLayer.forwardsNewFrame(d, targetTemporalLayer);
    }

    /** Whether the current spatial layer may rise from {@code topLayer} to this layer frame's. */
    private boolean switchesUp(PayloadDescriptor d, int topLayer, int targetSpatialLayer) {
        int layer = d.spatialLayer();
        boolean announced = announcedSpatialLayers == 0 || layer < announcedSpatialLayers;
        return layer == topLayer + 1 && layer <= targetSpatialLayer && announced && d.startOfFrame()
                && !d.interPicturePredicted();
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
        if (waitingForKeyFrame) {
            return true;
        }
        int reachable = announcedSpatialLayers > 0
                ? Math.min(targetSpatialLayer, announcedSpatialLayers - 1)
                : targetSpatialLayer;
        if (highestLayerSent >= 0) {
            // No key frame brings a layer the sender does not send (Chromium stops its top layers
            // when bandwidth is short); one that comes back shows in its packets.
            reachable = Math.min(reachable, highestLayerSent);
        }
        return reachable > currentSpatialLayer || (kSvc && reachable < currentSpatialLayer);
    }

    @Override
    public int currentSpatialLayer() {
        return started ? currentSpatialLayer : -1;
    }

    @Override
    public int currentTemporalLayer() {
        return started ? temporalLayer.current() : -1;
    }
}
