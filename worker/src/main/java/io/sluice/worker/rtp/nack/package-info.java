/**
 * Loss repair for RTP streams (RFC 4585 §6.2.1 generic NACK, RFC 4588 RTX), as mediasoup splits
 * it: {@link io.sluice.worker.rtp.nack.NackGenerator} watches one received stream's sequence
 * numbers and says which ones to ask for again and when; {@link io.sluice.worker.rtp.nack.RetransmissionBuffer}
 * keeps the last packets one sent stream sent, so a NACK from its receiver can be answered.
 * Both run on one event loop, take time from an injected clock and allocate nothing per packet.
 *
 * <p>Buffers: the generator holds no buffers. The retransmission buffer copies each packet it is
 * given into a pooled buffer of its own (the caller keeps and releases what it passed); a stored
 * copy is released when its slot is reused by a newer packet, or by
 * {@link io.sluice.worker.rtp.nack.RetransmissionBuffer#close()}. What {@code get} returns is a
 * view the caller must copy before the next {@code store}, and must neither retain nor release.
 */
package io.sluice.worker.rtp.nack;
