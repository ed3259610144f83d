package io.sluice.worker.sctp;

import io.netty.buffer.ByteBuf;

/**
 * SACK (RFC 9260 §3.3.4): the cumulative TSN received in sequence, the receiver's window, gap ack
 * blocks of TSNs received past it (offsets from the cumulative TSN, inclusive) and duplicate
 * TSNs. The arrays hold start/end pairs: {@code gapStarts[i]..gapEnds[i]}.
 *
 * <pre>
 *  |   Type = 3    |Chunk  Flags   |      Chunk Length             |
 *  |                      Cumulative TSN Ack                       |
 *  |          Advertised Receiver Window Credit (a_rwnd)           |
 *  | Number of Gap Ack Blocks = N  |  Number of Duplicate TSNs = X |
 *  |  Gap Ack Block #1 Start       |   Gap Ack Block #1 End        |
 *  |                       Duplicate TSN 1                         |
 * </pre>
 */
public record SackChunk(long cumulativeTsnAck, long advertisedReceiverWindow, int[] gapStarts, int[] gapEnds,
        long[] duplicateTsns) {

    public static final int FIXED_LENGTH = 16;

    public SackChunk {
        if (gapStarts.length != gapEnds.length) {
            throw new IllegalArgumentException("one end per gap block start");
        }
    }

    /** The SACK at {@code chunk}, or null when its counts do not fit its length. */
    public static SackChunk parse(ByteBuf buf, int chunk) {
        int length = SctpPacket.chunkLength(buf, chunk);
        if (SctpPacket.chunkType(buf, chunk) != ChunkType.SACK || length < FIXED_LENGTH) {
            return null;
        }
        int gaps = buf.getUnsignedShort(chunk + 12);
        int duplicates = buf.getUnsignedShort(chunk + 14);
        if (FIXED_LENGTH + 4 * gaps + 4 * duplicates > length) {
            return null;
        }
        int[] starts = new int[gaps];
        int[] ends = new int[gaps];
        int at = chunk + FIXED_LENGTH;
        for (int i = 0; i < gaps; i++, at += 4) {
            starts[i] = buf.getUnsignedShort(at);
            ends[i] = buf.getUnsignedShort(at + 2);
        }
        long[] duplicateTsns = new long[duplicates];
        for (int i = 0; i < duplicates; i++, at += 4) {
            duplicateTsns[i] = buf.getUnsignedInt(at);
        }
        return new SackChunk(buf.getUnsignedInt(chunk + 4), buf.getUnsignedInt(chunk + 8), starts, ends, duplicateTsns);
    }

    public int serializedLength() {
        return FIXED_LENGTH + 4 * gapStarts.length + 4 * duplicateTsns.length;
    }

    public void writeTo(ByteBuf dst) {
        SctpPacket.writeChunkHeader(dst, ChunkType.SACK, 0, serializedLength());
        dst.writeInt((int) cumulativeTsnAck);
        dst.writeInt((int) advertisedReceiverWindow);
        dst.writeShort(gapStarts.length);
        dst.writeShort(duplicateTsns.length);
        for (int i = 0; i < gapStarts.length; i++) {
            dst.writeShort(gapStarts[i]);
            dst.writeShort(gapEnds[i]);
        }
        for (long duplicate : duplicateTsns) {
            dst.writeInt((int) duplicate);
        }
    }
}
