package io.sluice.worker.rtp.codecs;

import io.netty.buffer.ByteBuf;

/**
 * The picture id and TL0PICIDX a rewriter decided for the packet it just accepted, written into
 * the consumer's copy by {@link #write}. Both fields sit at the same offsets from the payload's
 * start in the copy as in the original, and keep the original's width (the M bit, RFC 7741 §4.2,
 * RFC 9628 §4.2), so the rewrite is in place and the payload's length never changes.
 */
final class IdRewrite {

    private int pictureId = PayloadDescriptor.ABSENT;
    private int pictureIdOffset;
    private int pictureIdBits;
    private int tl0PicIdx = PayloadDescriptor.ABSENT;
    private int tl0PicIdxOffset;

    void clear() {
        pictureId = PayloadDescriptor.ABSENT;
        tl0PicIdx = PayloadDescriptor.ABSENT;
    }

    void setPictureId(int pictureId, PayloadDescriptor d) {
        this.pictureId = pictureId;
        pictureIdOffset = d.pictureIdOffset();
        pictureIdBits = d.pictureIdBits();
    }

    void setTl0PicIdx(int tl0PicIdx, PayloadDescriptor d) {
        this.tl0PicIdx = tl0PicIdx;
        tl0PicIdxOffset = d.tl0PicIdxOffset();
    }

    int pictureId() {
        return pictureId;
    }

    int tl0PicIdx() {
        return tl0PicIdx;
    }

    /** Writes the decided values into the payload at {@code payloadOffset}; bytes out of range are left alone. */
    void write(ByteBuf packet, int payloadOffset, int payloadLength) {
        if (!Payloads.inBounds(packet, payloadOffset, payloadLength)) {
            return;
        }
        if (pictureId != PayloadDescriptor.ABSENT) {
            int index = payloadOffset + pictureIdOffset;
            if (pictureIdBits == 15 && pictureIdOffset + 2 <= payloadLength) {
                packet.setByte(index, 0x80 | ((pictureId >>> 8) & 0x7F));
                packet.setByte(index + 1, pictureId & 0xFF);
            } else if (pictureIdBits == 7 && pictureIdOffset + 1 <= payloadLength) {
                packet.setByte(index, pictureId & 0x7F);
            }
        }
        if (tl0PicIdx != PayloadDescriptor.ABSENT && tl0PicIdxOffset + 1 <= payloadLength) {
            packet.setByte(payloadOffset + tl0PicIdxOffset, tl0PicIdx);
        }
    }
}
