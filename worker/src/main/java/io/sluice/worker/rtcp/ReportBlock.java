package io.sluice.worker.rtcp;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * A reception report block of a sender or receiver report (RFC 3550 §6.4.1):
 *
 * <pre>
 * |                 SSRC_1 (SSRC of first source)                 |
 * | fraction lost |       cumulative number of packets lost       |
 * |           extended highest sequence number received           |
 * |                      interarrival jitter                      |
 * |                         last SR (LSR)                         |
 * |                   delay since last SR (DLSR)                  |
 * </pre>
 *
 * @param fractionLost  lost fraction since the previous report, in 1/256
 * @param totalLost     cumulative packets lost, a signed 24-bit value (duplicates make it negative)
 * @param lastSenderReport the middle 32 bits of the last SR's NTP timestamp
 * @param delaySinceLastSenderReport in 1/65536 seconds
 */
public record ReportBlock(long ssrc, int fractionLost, int totalLost, long highestSequenceNumber,
                          long jitter, long lastSenderReport, long delaySinceLastSenderReport) {

    public static final int LENGTH = 24;

    /** Reads the block at {@code index}; the caller has checked that 24 bytes are there. */
    static ReportBlock read(ByteBuf buf, int index) {
        int lostWord = buf.getInt(index + 4);
        // The low 24 bits, sign-extended.
        int totalLost = (lostWord << 8) >> 8;
        return new ReportBlock(buf.getUnsignedInt(index), lostWord >>> 24, totalLost,
                buf.getUnsignedInt(index + 8), buf.getUnsignedInt(index + 12),
                buf.getUnsignedInt(index + 16), buf.getUnsignedInt(index + 20));
    }

    /**
     * The {@code count} blocks of a sender or receiver report that start {@code fixedLength} bytes
     * into its packet at {@code index}, or null when they do not fit its {@code content} bytes.
     */
    static List<ReportBlock> readAll(ByteBuf buf, int index, int fixedLength, int count, int content) {
        if (fixedLength + count * LENGTH > content) {
            return null;
        }
        List<ReportBlock> blocks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            blocks.add(read(buf, index + fixedLength + i * LENGTH));
        }
        return blocks;
    }

    /** An immutable copy of a report's blocks, at most RC (31) of them. */
    static List<ReportBlock> checkedCopy(List<ReportBlock> blocks) {
        if (blocks.size() > RtcpHeader.MAX_COUNT) {
            throw new IllegalArgumentException("at most 31 report blocks, got " + blocks.size());
        }
        return List.copyOf(blocks);
    }

    static void writeAll(List<ReportBlock> blocks, ByteBuf dst) {
        for (ReportBlock block : blocks) {
            block.writeTo(dst);
        }
    }

    void writeTo(ByteBuf dst) {
        dst.writeInt((int) ssrc);
        dst.writeInt((fractionLost << 24) | (totalLost & 0xffffff));
        dst.writeInt((int) highestSequenceNumber);
        dst.writeInt((int) jitter);
        dst.writeInt((int) lastSenderReport);
        dst.writeInt((int) delaySinceLastSenderReport);
    }
}
