package io.sluice.worker.rtcp;

import io.netty.buffer.ByteBuf;

/** Picture loss indication, PLI (RFC 4585 §6.3.1): payload-specific feedback, FMT 1, no FCI. */
public record FeedbackPsPli(long senderSsrc, long mediaSsrc) implements FeedbackPacket {

    public static final int FMT = 1;

    public static FeedbackPsPli parse(ByteBuf buf, int index, int length) {
        if (!isValid(buf, index, length)) {
            return null;
        }
        return new FeedbackPsPli(FeedbackPacket.senderSsrc(buf, index), FeedbackPacket.mediaSsrc(buf, index));
    }

    /**
     * Whether the {@code length} bytes at {@code index} are a PLI; the hot path then reads its
     * media SSRC with {@link FeedbackPacket#mediaSsrc} in place, allocating nothing.
     */
    public static boolean isValid(ByteBuf buf, int index, int length) {
        return FeedbackPacket.contentLength(buf, index, length, RtcpHeader.TYPE_PSFB, FMT) >= 0;
    }

    @Override
    public int packetType() {
        return RtcpHeader.TYPE_PSFB;
    }

    @Override
    public int count() {
        return FMT;
    }

    @Override
    public int serializedLength() {
        return COMMON_LENGTH;
    }

    @Override
    public void writeTo(ByteBuf dst) {
        FeedbackPacket.writeCommon(dst, FMT, RtcpHeader.TYPE_PSFB, COMMON_LENGTH, senderSsrc, mediaSsrc);
    }
}
