package io.sluice.worker.rtcp;

import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * Sender report, SR (RFC 3550 §6.4.1): header with RC, SSRC of sender, sender info (NTP
 * timestamp, RTP timestamp, sender's packet and octet counts), then RC report blocks. Profile
 * extensions after the blocks are skipped.
 *
 * @param ntpTimestamp 64-bit NTP timestamp: seconds since 1900 in the high 32 bits, fraction in the low 32
 */
public record SenderReport(long senderSsrc, long ntpTimestamp, long rtpTimestamp, long packetCount,
                           long octetCount, List<ReportBlock> reportBlocks) implements RtcpPacket {

    /** Header, SSRC and the 20-byte sender info. */
    public static final int FIXED_LENGTH = 28;

    public SenderReport {
        reportBlocks = ReportBlock.checkedCopy(reportBlocks);
    }

    public static SenderReport parse(ByteBuf buf, int index, int length) {
        int content = RtcpHeader.contentLength(buf, index, length);
        if (content < FIXED_LENGTH || RtcpHeader.packetType(buf, index) != RtcpHeader.TYPE_SR) {
            return null;
        }
        List<ReportBlock> blocks = ReportBlock.readAll(buf, index, FIXED_LENGTH, RtcpHeader.count(buf, index),
                content);
        if (blocks == null) {
            return null;
        }
        return new SenderReport(buf.getUnsignedInt(index + 4), buf.getLong(index + 8),
                buf.getUnsignedInt(index + 16), buf.getUnsignedInt(index + 20),
                buf.getUnsignedInt(index + 24), blocks);
    }

    /** The middle 32 bits of the NTP timestamp, echoed as LSR in report blocks (RFC 3550 §6.4.1). */
    public long compactNtp() {
        return (ntpTimestamp >>> 16) & 0xffffffffL;
    }

    @Override
    public int packetType() {
        return RtcpHeader.TYPE_SR;
    }

    @Override
    public int count() {
        return reportBlocks.size();
    }

    @Override
    public int serializedLength() {
        return FIXED_LENGTH + reportBlocks.size() * ReportBlock.LENGTH;
    }

    @Override
    public void writeTo(ByteBuf dst) {
        RtcpHeader.write(dst, count(), RtcpHeader.TYPE_SR, serializedLength());
        dst.writeInt((int) senderSsrc);
        dst.writeLong(ntpTimestamp);
        dst.writeInt((int) rtpTimestamp);
        dst.writeInt((int) packetCount);
        dst.writeInt((int) octetCount);
        ReportBlock.writeAll(reportBlocks, dst);
    }
}
