package io.sluice.worker.sctp;

import io.netty.buffer.ByteBuf;

/**
 * FORWARD TSN (RFC 3758 §3.2): tells the receiver to move its cumulative TSN to
 * {@code newCumulativeTsn}, as if the abandoned TSNs up to it had arrived, and, for ordered
 * streams whose messages were skipped, the largest skipped stream sequence number, so that their
 * ordered delivery goes on past it. {@code streams[i]} pairs with {@code sequenceNumbers[i]}.
 *
 * <pre>
 *  |   Type = 192  |  Flags = 0x00 |        Length = Variable      |
 *  |                      New Cumulative TSN                       |
 *  |         Stream-1              |       Stream Sequence-1       |
 * </pre>
 */
public record ForwardTsnChunk(long newCumulativeTsn, int[] streams, int[] sequenceNumbers) {

    public ForwardTsnChunk {
        if (streams.length != sequenceNumbers.length) {
            throw new IllegalArgumentException("one sequence number per stream");
        }
    }

    public static ForwardTsnChunk parse(ByteBuf buf, int chunk) {
        int length = SctpPacket.chunkLength(buf, chunk);
        if (SctpPacket.chunkType(buf, chunk) != ChunkType.FORWARD_TSN || length < 8 || (length - 8) % 4 != 0) {
            return null;
        }
        int count = (length - 8) / 4;
        int[] streams = new int[count];
        int[] sequenceNumbers = new int[count];
        for (int i = 0; i < count; i++) {
            streams[i] = buf.getUnsignedShort(chunk + 8 + 4 * i);
            sequenceNumbers[i] = buf.getUnsignedShort(chunk + 10 + 4 * i);
        }
        return new ForwardTsnChunk(buf.getUnsignedInt(chunk + 4), streams, sequenceNumbers);
    }

    public void writeTo(ByteBuf dst) {
        SctpPacket.writeChunkHeader(dst, ChunkType.FORWARD_TSN, 0, 8 + 4 * streams.length);
        dst.writeInt((int) newCumulativeTsn);
        for (int i = 0; i < streams.length; i++) {
            dst.writeShort(streams[i]);
            dst.writeShort(sequenceNumbers[i]);
        }
    }
}
