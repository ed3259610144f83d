package io.sluice.worker.rtcp;

import io.netty.buffer.ByteBuf;

/**
 * The common part of RTCP feedback messages (RFC 4585 §6.1): header with FMT, SSRC of packet
 * sender, SSRC of media source, then the feedback control information (FCI).
 */
public sealed interface FeedbackPacket extends RtcpPacket permits FeedbackRtpNack, FeedbackRtpTransport,
        FeedbackPsPli, FeedbackPsFir, FeedbackPsRemb {

    /** Header and the two SSRCs, before the FCI. */
    int COMMON_LENGTH = 12;

    long senderSsrc();

    long mediaSsrc();

    /**
     * Validates a feedback packet's header for {@code packetType}/{@code fmt} and returns its
     * length without padding, or -1 when malformed or shorter than the common part.
     */
    static int contentLength(ByteBuf buf, int index, int length, int packetType, int fmt) {
        int content = RtcpHeader.contentLength(buf, index, length);
        if (content < COMMON_LENGTH || RtcpHeader.packetType(buf, index) != packetType
                || RtcpHeader.count(buf, index) != fmt) {
            return -1;
        }
        return content;
    }

    /** SSRC of packet sender, of a feedback packet at {@code index}. */
    static long senderSsrc(ByteBuf buf, int index) {
        return buf.getUnsignedInt(index + 4);
    }

    /** SSRC of media source, of a feedback packet at {@code index}. */
    static long mediaSsrc(ByteBuf buf, int index) {
        return buf.getUnsignedInt(index + 8);
    }

    static void writeCommon(ByteBuf dst, int fmt, int packetType, int length, long senderSsrc, long mediaSsrc) {
        RtcpHeader.write(dst, fmt, packetType, length);
        dst.writeInt((int) senderSsrc);
        dst.writeInt((int) mediaSsrc);
    }
}
