/**
 * Loss repair for RTP streams (RFC 4585 §6.2.1 generic NACK, RFC 4588 RTX), as mediasoup splits
 * it: {@link io.sluice.worker.rtp.nack.NackGenerator} watches one received stream's sequence
 * numbers and says which ones to ask for again and when; {@link io.sluice.worker.rtp.nack.SharedPacketStore}
 * keeps one copy of each packet a producer's streams forwarded, shared by every consumer that
 * sent it, so a NACK from any of their receivers can be answered;
 * {@link io.sluice.worker.rtp.nack.RetransmissionBuffer} keeps the last packets one sent stream
 * sent when they are that stream's own (a payload rewritten for one consumer).
 * Both run on one event loop, take time from an injected clock and allocate nothing per packet.
 *
 * <p>Where the rest of NACK handling lives: the wire format (parse, build, and the in-place
 * accessors the media path reads) is {@link io.sluice.worker.rtcp.FeedbackRtpNack}; a producer's
 * receive side (one generator per stream, NACKs sent to the sender) is {@code router.RtpStreamRecv};
 * a consumer's send side (answering its receiver's NACKs from the shared store or its own buffer,
 * as RTX or as the original) is {@code router.ConsumerRetransmission}, which
 * {@code router.TransportMedia} hands each NACK naming that consumer's SSRC.
 *
 * <p>Buffers: the generator holds no buffers. The shared store and the retransmission buffer copy
 * each packet they are given into a pooled buffer of their own (the caller keeps and releases
 * what it passed); a stored copy is reused or released when its slot is taken by a newer packet,
 * and released by {@code close()}. What {@code get} and {@code takeForResend} return is a view
 * the caller must copy before the next store, and must neither retain nor release.
 */
package io.sluice.worker.rtp.nack;
