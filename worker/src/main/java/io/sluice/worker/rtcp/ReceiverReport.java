package io.sluice.worker.rtcp;

import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * Receiver report, RR (RFC 3550 §6.4.2): header with RC, SSRC of packet sender, then RC report
 * blocks. Profile extensions after the blocks are skipped.
 */
public record ReceiverReport(long senderSsrc, List<ReportBlock> reportBlocks) implements RtcpPacket {

    /** Header and SSRC. */
    public static final int FIXED_LENGTH = 8;

    public ReceiverReport {
        reportBlocks = ReportBlock.checkedCopy(reportBlocks);
    }

    public static ReceiverReport parse(ByteBuf buf, int index, int length) {
        int content = RtcpHeader.contentLength(buf, index, length);
        if (content < FIXED_LENGTH || RtcpHeader.packetType(buf, index) != RtcpHeader.TYPE_RR) {
            return null;
        }
        List<ReportBlock> blocks = ReportBlock.readAll(buf, index, FIXED_LENGTH, RtcpHeader.count(buf, index),
                content);
        if (blocks == null) {
            return null;
        }
        return new ReceiverReport(buf.getUnsignedInt(index + 4), blocks);
    }

    @Override
    public int packetType() {
        return RtcpHeader.TYPE_RR;
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
        RtcpHeader.write(dst, count(), RtcpHeader.TYPE_RR, serializedLength());
        dst.writeInt((int) senderSsrc);
        ReportBlock.writeAll(reportBlocks, dst);
    }
}
