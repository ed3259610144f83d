/**
 * What sits between the sockets and the protocol layers: first-byte demultiplexing (RFC 7983),
 * ICE-TCP framing (RFC 4571 / RFC 6544), and the ufrag/tuple index a WebRtcServer uses to route
 * packets on a shared port.
 *
 * <p>Buffers: {@link io.sluice.worker.net.PacketClassifier} and
 * {@link io.sluice.worker.net.UsernameFragmentIndex} only read the packet they are given and leave
 * it to the caller. {@link io.sluice.worker.net.Rfc4571FrameDecoder} emits retained slices that the
 * next handler owns and must release; {@link io.sluice.worker.net.Rfc4571FrameEncoder#frame} takes
 * ownership of the packet it frames and returns a buffer the caller owns.
 */
package io.sluice.worker.net;
