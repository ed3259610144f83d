/**
 * RTCP (RFC 3550 §6 and the feedback of RFC 4585, RFC 5104, REMB, transport-cc and RFC 3611
 * XR): one class per packet type, named as in RFC 4585 and mediasoup ({@code SenderReport},
 * {@code FeedbackRtpNack}, {@code FeedbackPsPli}, ...). {@link io.sluice.worker.rtcp.RtcpCompoundIterator}
 * walks a compound in place without allocating; each type parses from absolute indices of a
 * {@link io.netty.buffer.ByteBuf} into a small value object (null on malformation) and writes
 * itself at a destination's writer index. The types the media path reads for every packet
 * (generic NACK, PLI, FIR and the common feedback header) also offer static accessors over the
 * buffer, which their {@code parse} is built on: one reading of each wire format, and the hot
 * path allocates nothing.
 *
 * <p>Buffers: nothing here retains or releases a {@link io.netty.buffer.ByteBuf}, and parsed
 * objects keep no reference to the buffer they came from (unknown packets are copied). The
 * caller owns both the buffer it parses and the buffer it writes into.
 */
package io.sluice.worker.rtcp;
