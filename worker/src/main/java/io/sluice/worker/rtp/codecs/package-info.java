/**
 * Codec payload descriptors for layered forwarding (simulcast and SVC): what a consumer needs of
 * a VP8, VP9, H264 or AV1 payload to pick the packets it forwards, and the rewriting that keeps the
 * forwarded stream one continuous, decodable stream.
 *
 * <h2>Per packet</h2>
 *
 * <ol>
 *   <li>The codec's {@link io.sluice.worker.rtp.codecs.PayloadParser} (one shared, stateless
 *       instance per codec, from {@code forMimeType}) reads the payload in the producer's buffer,
 *       read-only, into the consumer's reusable {@link io.sluice.worker.rtp.codecs.PayloadDescriptor}.
 *       False means malformed: drop the packet. Parsers never throw on bad bytes.
 *   <li>The consumer's {@link io.sluice.worker.rtp.codecs.LayerRewriter} (one per consumer, from
 *       {@code forMimeType}) decides with {@code accept(descriptor, targetSpatial, targetTemporal)}
 *       from the descriptor alone, and updates its current layers.
 *   <li>For an accepted packet the consumer makes its own copy, calls {@code rewrite} on the copy
 *       (picture id and TL0PICIDX, in place, same length) before the next {@code accept}, and sets
 *       the copy's RTP marker to {@code endOfForwardedFrame()}. Sequence numbers, timestamps and
 *       SSRC are the consumer's business, not this package's.
 * </ol>
 *
 * <h2>Layer semantics</h2>
 *
 * <ul>
 *   <li><b>Temporal layers</b> (VP8 TID, VP9 TID): decided once per picture, at its first packet
 *       seen, so that all its packets (and retransmissions) share the decision. Down at the next
 *       picture; up one layer at a time, at a picture of the next layer with the switching flag
 *       (VP8 Y, VP9 U); to the target at a key frame.
 *   <li><b>Spatial layers</b> (VP9 SID): layers above the current one are dropped. Up at a key
 *       picture (spatial layer 0 with P=0), or one layer at a time at a layer frame without
 *       inter-picture prediction. In K-SVC ({@code L3T3_KEY}: spatial layers depend on each other
 *       only in key pictures, which the rewriter learns from the first inter layer frame with D=0
 *       or from the scalability mode) the lower layers are dropped outside key pictures and the
 *       spatial layer changes only at key pictures. In full SVC the lower layers are forwarded and
 *       going down needs no key frame.
 *   <li><b>End of picture</b>: when the highest forwarded VP9 spatial layer is below the highest
 *       sent, the original marker (on the top layer) is dropped with it, and the marker must be set
 *       on the last packet (E bit) of the highest forwarded layer frame: {@code
 *       endOfForwardedFrame()}.
 *   <li><b>Key frames</b>: the VP8 and VP9 rewriters forward nothing before a key frame, nor after
 *       {@code onSourceSwitch()} until the new source's key frame, from which picture ids and
 *       TL0PICIDX continue from the last ones sent. {@code needsKeyFrame(targetSpatial)} says when
 *       the consumer should request one (PLI/FIR). The pass-through rewriter (H264, AV1) accepts
 *       everything: its consumer switches sources at a packet with {@code keyFrame()} itself.
 *   <li><b>Picture ids</b>: VP8 picture ids are renumbered over dropped frames, so the receiver
 *       sees no gap. VP9 picture ids keep their spacing (a receiver places a picture in its group
 *       of pictures, and flexible mode refers to pictures, by picture id differences); only a
 *       source switch shifts them. TL0PICIDX counts base layer pictures, never dropped, so only a
 *       source switch shifts it. Both keep the original's width (7 or 15 bits, the M bit).
 *   <li><b>Targets</b> should be capped by the caller to the layers the producer announces (its
 *       scalability mode): nothing in a VP8 payload says how many temporal layers exist. A VP9
 *       scalability structure caps the spatial target, and so does a key picture that ends below
 *       it. A target below 0 forwards nothing.
 * </ul>
 *
 * <h2>Not covered</h2>
 *
 * AV1 layers travel in the dependency descriptor header extension, not the payload: the AV1
 * parser finds key frames (N bit) and frame starts only, and AV1 uses the pass-through rewriter.
 * H264 has no layers here (no SVC, RFC 6190).
 *
 * <h2>Buffers and threads</h2>
 *
 * Nothing here retains, releases or allocates a {@link io.netty.buffer.ByteBuf}, and the packet
 * path allocates nothing at all. Parsers are shared between threads; descriptors and rewriters
 * belong to one consumer on its loop.
 */
package io.sluice.worker.rtp.codecs;
