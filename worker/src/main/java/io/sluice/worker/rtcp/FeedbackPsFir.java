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
        int entryCount = entryCount(buf, index, length);
        if (entryCount < 1) {
            return null;
        }
        List<Entry> entries = new ArrayList<>(entryCount);
        for (int i = 0; i < entryCount; i++) {
            entries.add(new Entry(entrySsrc(buf, index, i), entrySequenceNumber(buf, index, i)));
        }
        return new FeedbackPsFir(FeedbackPacket.senderSsrc(buf, index), FeedbackPacket.mediaSsrc(buf, index), entries);
    }

    /**
     * The FCI entries of the FIR in the {@code length} bytes at {@code index}, 0 when they are no
     * FIR (or one without entries): the hot path reads them in place with {@link #entrySsrc},
     * allocating nothing.
     */
    public static int entryCount(ByteBuf buf, int index, int length) {
        int content = FeedbackPacket.contentLength(buf, index, length, RtcpHeader.TYPE_PSFB, FMT);
        return content < 0 ? 0 : (content - COMMON_LENGTH) / ENTRY_LENGTH;
    }

    /** The SSRC asked for a key frame by entry {@code entry} (below {@link #entryCount}). */
    public static long entrySsrc(ByteBuf buf, int index, int entry) {
        return buf.getUnsignedInt(index + COMMON_LENGTH + ENTRY_LENGTH * entry);
    }

    /** The command sequence number of entry {@code entry} (§4.3.1.1). */
    public static int entrySequenceNumber(ByteBuf buf, int index, int entry) {
        return buf.getUnsignedByte(index + COMMON_LENGTH + ENTRY_LENGTH * entry + 4);
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
