package io.sluice.worker.rtcp;

import io.netty.buffer.ByteBuf;

/**
 * One RTCP packet of a compound (RFC 3550 §6), parsed into a small value object. RTCP is
 * parsed on arrival of each compound, not per RTP packet, so types here are plain objects;
 * {@link RtcpCompoundIterator} walks a compound without allocating when only the headers matter.
 *
 * <p>Each type has {@code parse(ByteBuf buf, int index, int length)} returning null on
 * malformation, and serializes itself with {@link #writeTo(ByteBuf)}, never with padding.
 */
public sealed interface RtcpPacket permits SenderReport, ReceiverReport, SourceDescription, Bye,
        FeedbackPacket, ExtendedReport, RawRtcpPacket {

    /** The PT field (RFC 3550 §6.4.1, RFC 4585 §6.1, RFC 3611 §2). */
    int packetType();

    /** The 5-bit field after P: RC, SC or FMT. */
    int count();

    /** Bytes {@link #writeTo} writes: header included, a multiple of 4. */
    int serializedLength();

    /** Writes the packet at {@code dst}'s writer index and advances it. */
    void writeTo(ByteBuf dst);

    /**
     * Parses the packet at {@code index} (at most {@code length} bytes are available) into its
     * type; an unknown packet type or feedback FMT becomes a {@link RawRtcpPacket}. Returns null
     * on malformation.
     */
    static RtcpPacket parse(ByteBuf buf, int index, int length) {
        int content = RtcpHeader.contentLength(buf, index, length);
        if (content < 0) {
            return null;
        }
        int count = RtcpHeader.count(buf, index);
        return switch (RtcpHeader.packetType(buf, index)) {
            case RtcpHeader.TYPE_SR -> SenderReport.parse(buf, index, length);
            case RtcpHeader.TYPE_RR -> ReceiverReport.parse(buf, index, length);
            case RtcpHeader.TYPE_SDES -> SourceDescription.parse(buf, index, length);
            case RtcpHeader.TYPE_BYE -> Bye.parse(buf, index, length);
            case RtcpHeader.TYPE_XR -> ExtendedReport.parse(buf, index, length);
            case RtcpHeader.TYPE_RTPFB -> switch (count) {
                case FeedbackRtpNack.FMT -> FeedbackRtpNack.parse(buf, index, length);
                case FeedbackRtpTransport.FMT -> FeedbackRtpTransport.parse(buf, index, length);
                default -> RawRtcpPacket.parse(buf, index, length);
            };
            case RtcpHeader.TYPE_PSFB -> switch (count) {
                case FeedbackPsPli.FMT -> FeedbackPsPli.parse(buf, index, length);
                case FeedbackPsFir.FMT -> FeedbackPsFir.parse(buf, index, length);
                case FeedbackPsRemb.FMT -> FeedbackPsRemb.isRemb(buf, index, content)
                        ? FeedbackPsRemb.parse(buf, index, length)
                        : RawRtcpPacket.parse(buf, index, length);
                default -> RawRtcpPacket.parse(buf, index, length);
            };
            default -> RawRtcpPacket.parse(buf, index, length);
        };
    }
}
