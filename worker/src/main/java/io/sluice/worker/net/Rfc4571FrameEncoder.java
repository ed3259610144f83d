package io.sluice.worker.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Prefixes each outgoing packet with its 16-bit length for ICE-TCP (RFC 4571 §2, RFC 6544 §3).
 * In a pipeline it writes a small header buffer followed by the packet itself, so the payload is
 * not copied; {@link #frame} builds one contiguous framed buffer for callers outside a pipeline.
 */
@ChannelHandler.Sharable
public final class Rfc4571FrameEncoder extends MessageToMessageEncoder<ByteBuf> {

    public Rfc4571FrameEncoder() {
        super(ByteBuf.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, ByteBuf packet, List<Object> out) {
        int length = packet.readableBytes();
        if (length > Rfc4571FrameDecoder.MAX_FRAME_LENGTH) {
            throw new EncoderException("an RFC 4571 frame carries at most 65535 bytes, not " + length);
        }
        out.add(ctx.alloc().ioBuffer(Rfc4571FrameDecoder.LENGTH_FIELD_LENGTH).writeShort(length));
        // MessageToMessageEncoder releases the message after encode(): keep it alive for the write.
        out.add(packet.retain());
    }

    /**
     * A new buffer holding the 2-byte length then the readable bytes of {@code packet}. Takes
     * ownership of {@code packet} (released here, also on failure); the caller owns the result.
     */
    public static ByteBuf frame(ByteBufAllocator allocator, ByteBuf packet) {
        try {
            int length = packet.readableBytes();
            if (length > Rfc4571FrameDecoder.MAX_FRAME_LENGTH) {
                throw new IllegalArgumentException("an RFC 4571 frame carries at most 65535 bytes, not " + length);
            }
            ByteBuf framed = allocator.ioBuffer(Rfc4571FrameDecoder.LENGTH_FIELD_LENGTH + length);
            framed.writeShort(length).writeBytes(packet, packet.readerIndex(), length);
            return framed;
        } finally {
            packet.release();
        }
    }
}
