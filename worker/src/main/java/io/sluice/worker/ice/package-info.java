/**
 * STUN (RFC 8489) and the ICE-lite agent (RFC 8445 §2.5) of a WebRtcTransport, with consent
 * freshness (RFC 7675).
 *
 * <p>{@link io.sluice.worker.ice.StunMessage} is a reusable view over a received ByteBuf: it never
 * retains, copies or releases the buffer, which stays the caller's. {@link
 * io.sluice.worker.ice.StunMessageWriter} writes into a buffer its caller supplies and also never
 * releases it. {@link io.sluice.worker.ice.IceServer#processStunPacket} leaves the received packet
 * to its caller, and hands each response it allocates (pooled, from the injected allocator) to
 * {@link io.sluice.worker.ice.IceServer.Listener#onStunResponse}, which owns and must release it.
 *
 * <p>Everything here is single-threaded: an IceServer, its rate limiter and writers belong to the
 * event loop of the transport that drives them; time is injected.
 */
package io.sluice.worker.ice;
