package io.sluice.worker.rtcp;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * Receiver estimated maximum bitrate, REMB (draft-alvestrand-rmcat-remb-03 §2.2): an
 * application layer feedback message (PSFB, FMT 15) whose FCI starts with "REMB":
 *
 * <pre>
 * |  Unique identifier 'R' 'E' 'M' 'B'                            |
 * |  Num SSRC     | BR Exp    |  BR Mantissa                      |
 * |   SSRC feedback                                               |
 * </pre>
 *
 * The bitrate is mantissa * 2^exp bits per second; the media source SSRC is 0.
 */
public record FeedbackPsRemb(long senderSsrc, long mediaSsrc, long bitrate, List<Long> ssrcs)
        implements FeedbackPacket {

    public static final int FMT = 15;
    private static final int IDENTIFIER = ('R' << 24) | ('E' << 16) | ('M' << 8) | 'B';
    private static final int MAX_MANTISSA = (1 << 18) - 1;

    public FeedbackPsRemb {
        if (bitrate < 0 || ssrcs.size() > 255) {
            throw new IllegalArgumentException("negative bitrate or more than 255 SSRCs");
        }
        ssrcs = List.copyOf(ssrcs);
    }

    /** Whether the application layer feedback at {@code index} carries the REMB identifier. */
    static boolean isRemb(ByteBuf buf, int index, int contentLength) {
        return contentLength >= COMMON_LENGTH + 4 && buf.getInt(index + COMMON_LENGTH) == IDENTIFIER;
    }

    public static FeedbackPsRemb parse(ByteBuf buf, int index, int length) {
        int content = FeedbackPacket.contentLength(buf, index, length, RtcpHeader.TYPE_PSFB, FMT);
        if (content < COMMON_LENGTH + 8 || !isRemb(buf, index, content)) {
            return null;
        }
        int ssrcCount = buf.getUnsignedByte(index + 16);
        if (COMMON_LENGTH + 8 + 4 * ssrcCount > content) {
            return null;
        }
        int exponentAndMantissa = buf.getUnsignedMedium(index + 17);
        int exponent = exponentAndMantissa >>> 18;
        long mantissa = exponentAndMantissa & MAX_MANTISSA;
        // Exponents past 45 would overflow a long; such a bitrate means "no limit".
        long bitrate = mantissa == 0 ? 0
                : exponent > Long.numberOfLeadingZeros(mantissa) - 1 ? Long.MAX_VALUE : mantissa << exponent;
        List<Long> ssrcs = new ArrayList<>(ssrcCount);
        for (int i = 0; i < ssrcCount; i++) {
            ssrcs.add(buf.getUnsignedInt(index + 20 + 4 * i));
        }
        return new FeedbackPsRemb(buf.getUnsignedInt(index + 4), buf.getUnsignedInt(index + 8), bitrate, ssrcs);
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
        return COMMON_LENGTH + 8 + 4 * ssrcs.size();
    }

    /** Writes the bitrate with the smallest exponent whose mantissa fits 18 bits (rounding down). */
    @Override
    public void writeTo(ByteBuf dst) {
        FeedbackPacket.writeCommon(dst, FMT, RtcpHeader.TYPE_PSFB, serializedLength(), senderSsrc, mediaSsrc);
        int exponent = 0;
        long mantissa = bitrate;
        while (mantissa > MAX_MANTISSA) {
            mantissa >>>= 1;
            exponent++;
        }
        dst.writeInt(IDENTIFIER);
        dst.writeByte(ssrcs.size());
        dst.writeMedium((exponent << 18) | (int) mantissa);
        for (long ssrc : ssrcs) {
            dst.writeInt((int) ssrc);
        }
    }
}
