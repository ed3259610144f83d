/**
 * Media entities of a worker, as mediasoup names them, in one ownership tree: the
 * {@link io.sluice.worker.router.Worker} owns its {@link io.sluice.worker.router.Router}s (one room
 * each), a router its transports (the sealed {@link io.sluice.worker.router.Transport} family:
 * {@link io.sluice.worker.router.WebRtcTransport}, {@link io.sluice.worker.router.PlainTransport}),
 * a transport its {@link io.sluice.worker.router.Producer}s and {@link io.sluice.worker.router.Consumer}s
 * ({@link io.sluice.worker.router.TransportMedia}). The worker keeps id indexes for lookup and
 * runs every close down the tree. Each entity lives on its worker's event loop and is only touched
 * there. This package knows nothing of NATS, Redis or the control plane: it reports through
 * {@link io.sluice.worker.router.EntityEvents} and {@link io.sluice.worker.router.TransportMappingListener},
 * and refuses requests with a {@link io.sluice.worker.router.SluiceException} (docs/architecture.md).
 *
 * <p>Buffers: an incoming packet stays in the socket's buffer, which the socket releases after
 * delivery; it is decrypted and rewritten there by the transport and the producer, and nobody
 * retains it. Each consumer copies what it sends into a pooled buffer of its own (room for the
 * SRTP tag included) and hands it to {@code MediaTransport.sendRtp}, which owns it from then on:
 * it is released by the socket write, or by the transport when it cannot send. Key-frame requests
 * are built the same way, one buffer per request given to {@code sendRtcp}, and so are the
 * producers' NACKs. While a consumer that negotiated NACK exists, the producer keeps one copy of
 * each packet forwarded (the router's terms, before any consumer's rewrite) in its
 * {@link io.sluice.worker.rtp.nack.SharedPacketStore}: the first consumer to send a packet copies
 * it in, the others only note its handle. The store owns those copies, reuses or releases them as
 * newer packets take their slots, and releases them all when the last such consumer closes
 * ({@code Worker} calls {@code Consumer.close}, which gives the store back). A consumer whose
 * payload rewrite changes a packet keeps what it sent in a
 * {@link io.sluice.worker.rtp.nack.RetransmissionBuffer} of its own instead. A resend is a fresh
 * buffer (the copy with the consumer's header rewritten again) given to {@code sendRtp}. An RTX
 * packet from a producer's sender is restored in the socket's buffer.
 */
package io.sluice.worker.router;
