package io.sluice.worker.rtcp;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * Full intra request, FIR (RFC 5104 §4.3.1): payload-specific feedback, FMT 4. The media source
 * SSRC is 0 (§4.3.1.2); each FCI entry names the SSRC asked for a key frame and a command
 * sequence number that the sender increments for each new request (§4.3.1.1).
 *
 * <pre>
 * |                              SSRC                             |
 * | Seq nr.       |    Reserved                                   |
 * </pre>
 */
public record FeedbackPsFir(long senderSsrc, long mediaSsrc, List<Entry> entries) implements FeedbackPacket {

    public static final int FMT = 4;
    public static final int ENTRY_LENGTH = 8;

    public record Entry(long ssrc, int sequenceNumber) {
    }

    public FeedbackPsFir {
        entries = List.copyOf(entries);
    }

    /** A FIR asking {@code mediaSsrc}'s sender for a key frame. */
    public static FeedbackPsFir of(long senderSsrc, long mediaSsrc, int sequenceNumber) {
        return new FeedbackPsFir(senderSsrc, 0, List.of(new Entry(mediaSsrc, sequenceNumber & 0xff)));
    }

    public static FeedbackPsFir parse(ByteBuf buf, int index, int length) {
        int content = FeedbackPacket.contentLength(buf, index, length, RtcpHeader.TYPE_PSFB, FMT);
        int entryCount = (content - COMMON_LENGTH) / ENTRY_LENGTH;
        if (content < 0 || entryCount < 1) {
            return null;
        }
        List<Entry> entries = new ArrayList<>(entryCount);
        for (int i = 0; i < entryCount; i++) {
            int entry = index + COMMON_LENGTH + ENTRY_LENGTH * i;
            entries.add(new Entry(buf.getUnsignedInt(entry), buf.getUnsignedByte(entry + 4)));
        }
        return new FeedbackPsFir(buf.getUnsignedInt(index + 4), buf.getUnsignedInt(index + 8), entries);
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
        return COMMON_LENGTH + ENTRY_LENGTH * entries.size();
    }

    @Override
    public void writeTo(ByteBuf dst) {
        FeedbackPacket.writeCommon(dst, FMT, RtcpHeader.TYPE_PSFB, serializedLength(), senderSsrc, mediaSsrc);
        for (Entry entry : entries) {
            dst.writeInt((int) entry.ssrc());
            dst.writeByte(entry.sequenceNumber());
            dst.writeMedium(0);
        }
    }
}
