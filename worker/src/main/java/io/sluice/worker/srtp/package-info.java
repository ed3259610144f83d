/**
 * SRTP and SRTCP (RFC 3711) with the AES-CM/HMAC-SHA1 profiles and AES-GCM (RFC 7714), keys from
 * the RFC 3711 §4.3 KDF (AES-256 PRF for 32-byte keys, RFC 6188 §7).
 *
 * <p>{@link io.sluice.worker.srtp.SrtpSendContext} protects and
 * {@link io.sluice.worker.srtp.SrtpReceiveContext} unprotects; a transport holds one of each,
 * keyed with the local and remote halves of the DTLS-exported keying material. Both work in place
 * on the readable bytes of a Netty {@code ByteBuf}: protect appends at most
 * {@code maxOverhead()} bytes, which the caller must have left writable; unprotect trims. Neither
 * retains nor releases the buffer: whoever passed it in still owns it and releases it. Per packet
 * they allocate nothing: ciphers, digests and scratch arrays live in the context, and direct
 * buffers are worked on through a reused heap scratch copy.
 */
package io.sluice.worker.srtp;
