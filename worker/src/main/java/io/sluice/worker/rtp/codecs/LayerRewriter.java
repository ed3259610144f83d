package io.sluice.worker.rtp.codecs;

import io.netty.buffer.ByteBuf;

/**
 * Per-consumer state that keeps a forwarded stream decodable while temporal (and, for SVC,
 * spatial) layers are dropped and simulcast sources are switched. One per consumer; runs on its
 * loop.
 *
 * <p>Per packet, the consumer parses the payload with the codec's {@link PayloadParser} (on the
 * producer's shared buffer), calls {@link #accept}; when it returns true, it makes its own copy of
 * the packet, calls {@link #rewrite} on the copy right away (before the next {@code accept}) and
 * sets the copy's RTP marker to {@link #endOfForwardedFrame()}.
 *
 * <p>The VP8 and VP9 rewriters forward nothing before a key frame, and nothing after {@link
 * #onSourceSwitch()} until the new source's key frame; {@link #needsKeyFrame(int)} tells the
 * consumer when to ask for one. The pass-through rewriter accepts everything, so its consumer
 * switches sources at a key frame ({@link PayloadDescriptor#keyFrame()}) itself.
 *
 * <p>Targets should be capped by the caller to the layers the producer announces (its
 * scalability mode): a rewriter cannot tell "no frame of temporal layer 2 yet" from "no temporal
 * layer 2". A target below 0 (paused) drops everything.
 */
public interface LayerRewriter {

    /**
     * Whether the packet just parsed into {@code d} is forwarded, given the target layers; updates
     * the current layers (temporal layers switch up only at a layerSync packet or key frame, down
     * at a frame boundary). Works on the producer's shared buffer: reads nothing but {@code d}.
     */
    boolean accept(PayloadDescriptor d, int targetSpatialLayer, int targetTemporalLayer);

    /**
     * Rewrites the accepted packet's payload in place, in the consumer's own copy: picture id and
     * TL0PICIDX (VP8, VP9) made continuous over dropped frames and source switches. Applies to the
     * packet last accepted; the payload's length does not change.
     */
    void rewrite(ByteBuf packet, int payloadOffset, int payloadLength);

    /**
     * The RTP marker bit the consumer's copy of the packet just accepted must carry: the original
     * marker, or, for VP9 SVC when the highest forwarded spatial layer is below the highest one
     * sent, true on the last packet (E bit) of the highest forwarded layer frame, so that the
     * receiver sees the end of each picture (RFC 9628 §4.1: the marker ends a picture).
     */
    boolean endOfForwardedFrame();

    /**
     * The consumer switches to another simulcast source: nothing is accepted until the new
     * source's key frame, from which the picture ids and TL0PICIDX continue from the last ones
     * sent. Call it before passing the new source's packets.
     */
    void onSourceSwitch();

    /**
     * Whether reaching {@code targetSpatialLayer} waits for a key frame the consumer should
     * request (PLI/FIR): before the first key frame, after a source switch, and for VP9 when the
     * target spatial layer is above the current one (and the sender has sent that layer since its
     * last key picture), or below it in K-SVC.
     */
    default boolean needsKeyFrame(int targetSpatialLayer) {
        return false;
    }

    /** The spatial layer being forwarded; -1 before the first accepted packet; 0 for simulcast (a layer per source). */
    int currentSpatialLayer();

    /** The temporal layer being forwarded; -1 before the first accepted packet. */
    int currentTemporalLayer();

    /**
     * A rewriter for the codec, or a pass-through one (accepts everything, rewrites nothing) for
     * codecs without one.
     */
    static LayerRewriter forMimeType(String mimeType) {
        return forMimeType(mimeType, null);
    }

    /**
     * Like {@link #forMimeType(String)}, told the producer's scalability mode (W3C WebRTC-SVC, e.g.
     * {@code L3T3_KEY}; null when unknown): a K-SVC mode ({@code _KEY} or {@code _KEY_SHIFT}) lets
     * the VP9 rewriter drop the lower spatial layers from the first packet on, rather than from
     * the first inter picture that shows the structure.
     */
    static LayerRewriter forMimeType(String mimeType, String scalabilityMode) {
        if (Payloads.mimeTypeIs(mimeType, "video/VP8")) {
            return new Vp8LayerRewriter();
        }
        if (Payloads.mimeTypeIs(mimeType, "video/VP9")) {
            boolean kSvc = scalabilityMode != null
                    && (scalabilityMode.endsWith("_KEY") || scalabilityMode.endsWith("_KEY_SHIFT"));
            return new Vp9LayerRewriter(kSvc);
        }
        return new PassThroughLayerRewriter();
    }
}
