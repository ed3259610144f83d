package io.sluice.worker.rtp.codecs;

import io.netty.buffer.ByteBuf;

/**
 * Per-consumer state that keeps a forwarded stream decodable while temporal (and, for SVC,
 * spatial) layers are dropped and simulcast sources are switched. One per consumer; runs on its
 * loop.
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
     * TL0PICIDX (VP8, VP9) made continuous over dropped frames and source switches.
     */
    void rewrite(ByteBuf packet, int payloadOffset, int payloadLength);

    /**
     * The RTP marker bit the consumer's copy of the packet just accepted must carry: the original
     * marker, or, for VP9 SVC when the highest forwarded spatial layer is below the highest one
     * sent, true on the last packet (E bit) of the highest forwarded layer frame, so that the
     * receiver sees the end of each picture (RFC 9628 §4.1: the marker ends a picture).
     */
    boolean endOfForwardedFrame();

    /** The consumer switches to another simulcast source: the next picture ids continue from the last one sent. */
    void onSourceSwitch();

    /** The spatial layer being forwarded; -1 before the first accepted packet. */
    int currentSpatialLayer();

    /** The temporal layer being forwarded; -1 before the first accepted packet. */
    int currentTemporalLayer();

    /** A rewriter for the codec, or a pass-through one (accepts everything, rewrites nothing) for codecs without one. */
    static LayerRewriter forMimeType(String mimeType) {
        throw new UnsupportedOperationException();
    }
}
