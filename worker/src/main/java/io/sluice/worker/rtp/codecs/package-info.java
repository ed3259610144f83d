/**
 * Codec payload descriptors for layered forwarding (simulcast and SVC): {@link
 * io.sluice.worker.rtp.codecs.PayloadParser} reads what a consumer needs of a payload into a
 * reusable {@link io.sluice.worker.rtp.codecs.PayloadDescriptor}, and a per-consumer {@link
 * io.sluice.worker.rtp.codecs.LayerRewriter} decides which packets to forward and rewrites the
 * forwarded copies so that the receiver sees one continuous stream.
 */
package io.sluice.worker.rtp.codecs;
