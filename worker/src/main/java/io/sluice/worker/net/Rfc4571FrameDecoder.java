package io.sluice.worker.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits an ICE-TCP stream (RFC 6544 §3) into the packets it carries, each prefixed with a 16-bit
 * big-endian length (RFC 4571 §2). Emits one retained slice of the cumulation per frame, which the
 * next handler owns and must release.
 *
 * <p>Zero-length frames carry nothing and are skipped. Frames longer than {@code maxFrameLength}
 * are legal framing we will not buffer: their bytes are discarded as they arrive, so the stream
 * stays in sync; both are counted for the connection's stats. Nothing here throws on bad input.
 */
public final class Rfc4571FrameDecoder extends ByteToMessageDecoder {

    /** RFC 4571 §2: the LENGTH field is 16 bits. */
    public static final int LENGTH_FIELD_LENGTH = 2;
    public static final int MAX_FRAME_LENGTH = 0xFFFF;

    private final int maxFrameLength;
    private long bytesToDiscard;
    private long emptyFrames;
    private long oversizeFrames;

    /** Accepts every frame RFC 4571 can express. */
    public Rfc4571FrameDecoder() {
        this(MAX_FRAME_LENGTH);
    }

    public Rfc4571FrameDecoder(int maxFrameLength) {
        if (maxFrameLength < 1 || maxFrameLength > MAX_FRAME_LENGTH) {
            throw new IllegalArgumentException("maxFrameLength must be 1..65535");
        }
        this.maxFrameLength = maxFrameLength;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (true) {
            if (bytesToDiscard > 0) {
                int discarded = (int) Math.min(bytesToDiscard, in.readableBytes());
                in.skipBytes(discarded);
                bytesToDiscard -= discarded;
                if (bytesToDiscard > 0) {
                    return;
                }
            }
            if (in.readableBytes() < LENGTH_FIELD_LENGTH) {
                return;
            }
            int frameLength = in.getUnsignedShort(in.readerIndex());
            if (frameLength == 0) {
                in.skipBytes(LENGTH_FIELD_LENGTH);
                emptyFrames++;
                continue;
            }
            if (frameLength > maxFrameLength) {
                in.skipBytes(LENGTH_FIELD_LENGTH);
                bytesToDiscard = frameLength;
                oversizeFrames++;
                continue;
            }
            if (in.readableBytes() < LENGTH_FIELD_LENGTH + frameLength) {
                return;
            }
            in.skipBytes(LENGTH_FIELD_LENGTH);
            out.add(in.readRetainedSlice(frameLength));
        }
    }

    /** Zero-length frames skipped so far. */
    public long emptyFrames() {
        return emptyFrames;
    }

    /** Frames over the maximum discarded so far. */
    public long oversizeFrames() {
        return oversizeFrames;
    }
}
