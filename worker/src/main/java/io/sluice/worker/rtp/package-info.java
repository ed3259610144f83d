/**
 * RTP packets (RFC 3550 §5) as zero-copy views: {@link io.sluice.worker.rtp.RtpPacket} is a
 * reusable, mutable view re-pointed at each datagram, with RFC 8285 header extensions looked up
 * by id and rewritten in place, and {@link io.sluice.worker.rtp.Rtx} builds and undoes RFC 4588
 * retransmission packets.
 *
 * <p>Buffers: nothing here retains or releases a {@link io.netty.buffer.ByteBuf}. The caller
 * that received the datagram owns its buffer and releases it after the view is done with it;
 * the caller that passes a destination buffer to {@code Rtx.writeRtx}/{@code writeOriginal} owns
 * that one. A view must not be used after its buffer is released.
 */
package io.sluice.worker.rtp;
