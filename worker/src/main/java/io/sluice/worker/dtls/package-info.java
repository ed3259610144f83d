/**
 * DTLS-SRTP (RFC 5763, RFC 5764) for a WebRtcTransport, on BouncyCastle's DTLS 1.2 engine.
 *
 * <ul>
 *   <li>{@link io.sluice.worker.dtls.DtlsCertificate}: the process-wide certificate (ECDSA P-256,
 *       generated or loaded from PEM) and its SDP fingerprints.</li>
 *   <li>{@link io.sluice.worker.dtls.DtlsFingerprint}: an {@code a=fingerprint} value (RFC 8122 §5).</li>
 *   <li>{@link io.sluice.worker.dtls.DtlsTransport}: one handshake per WebRtcTransport, owned by that
 *       transport's event loop; it reports to its owner through {@link io.sluice.worker.dtls.DtlsTransport.Listener}.</li>
 * </ul>
 *
 * <p>Threading: BouncyCastle's handshake is blocking, so it runs on a shared handshake executor,
 * never on the event loop. Datagrams cross threads as {@code byte[]} copies (DTLS is rare, not the
 * media path); every listener callback runs on the owner's loop.
 *
 * <p>Buffers: {@code handleIncoming(ByteBuf)} copies the bytes and neither retains nor releases the
 * caller's buffer. {@code Listener#onOutgoingDtls(ByteBuf)} hands a new buffer to the listener,
 * which owns it from then on: it writes it (the channel releases it) or releases it.
 */
package io.sluice.worker.dtls;
