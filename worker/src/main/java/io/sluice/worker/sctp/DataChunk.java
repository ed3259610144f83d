package io.sluice.worker.sctp;

import io.netty.buffer.ByteBuf;

/**
 * DATA (RFC 9260 §3.3.1), read in place: the receive path reads each field from the packet
 * buffer and slices the user data, never copying it.
 *
 * <pre>
 *  |   Type = 0    | Reserved|I|U|B|E|           Length              |
 *  |                              TSN                                |
 *  |      Stream Identifier S      |   Stream Sequence Number n      |
 *  |                  Payload Protocol Identifier                    |
 *  |                 User Data (seq n of Stream S)                   |
 * </pre>
 */
public final class DataChunk {

    public static final int HEADER_LENGTH = 16;
    /** The receiver should SACK at once (RFC 7053 §3). */
    public static final int FLAG_IMMEDIATE = 0x08;
    public static final int FLAG_UNORDERED = 0x04;
    public static final int FLAG_BEGINNING = 0x02;
    public static final int FLAG_ENDING = 0x01;

    private DataChunk() {}

    /** Whether the chunk at {@code chunk} is a DATA chunk with at least one byte of user data (§3.3.1: length 16 is an error, §6.2). */
    public static boolean valid(ByteBuf buf, int chunk) {
        return SctpPacket.chunkType(buf, chunk) == ChunkType.DATA
                && SctpPacket.chunkLength(buf, chunk) > HEADER_LENGTH;
    }

    public static long tsn(ByteBuf buf, int chunk) {
        return buf.getUnsignedInt(chunk + 4);
    }

    public static int streamId(ByteBuf buf, int chunk) {
        return buf.getUnsignedShort(chunk + 8);
    }

    public static int streamSequenceNumber(ByteBuf buf, int chunk) {
        return buf.getUnsignedShort(chunk + 10);
    }

    public static long payloadProtocolId(ByteBuf buf, int chunk) {
        return buf.getUnsignedInt(chunk + 12);
    }

    public static boolean unordered(ByteBuf buf, int chunk) {
        return (SctpPacket.chunkFlags(buf, chunk) & FLAG_UNORDERED) != 0;
    }

    public static boolean beginning(ByteBuf buf, int chunk) {
        return (SctpPacket.chunkFlags(buf, chunk) & FLAG_BEGINNING) != 0;
    }

    public static boolean ending(ByteBuf buf, int chunk) {
        return (SctpPacket.chunkFlags(buf, chunk) & FLAG_ENDING) != 0;
    }

    public static int userDataLength(ByteBuf buf, int chunk) {
        return SctpPacket.chunkLength(buf, chunk) - HEADER_LENGTH;
    }

    /** A retained slice of the user data: the caller releases it. */
    public static ByteBuf retainedUserData(ByteBuf buf, int chunk) {
        return buf.retainedSlice(chunk + HEADER_LENGTH, userDataLength(buf, chunk));
    }

    public static int flags(boolean unordered, boolean beginning, boolean ending, boolean immediate) {
        return (unordered ? FLAG_UNORDERED : 0) | (beginning ? FLAG_BEGINNING : 0) | (ending ? FLAG_ENDING : 0)
                | (immediate ? FLAG_IMMEDIATE : 0);
    }

    /** Writes the chunk with {@code userData}'s readable bytes (not consumed), padded. */
    public static void write(ByteBuf dst, int flags, long tsn, int streamId, int streamSequenceNumber,
            long payloadProtocolId, ByteBuf userData) {
        int start = dst.writerIndex();
        SctpPacket.writeChunkHeader(dst, ChunkType.DATA, flags, HEADER_LENGTH + userData.readableBytes());
        dst.writeInt((int) tsn);
        dst.writeShort(streamId);
        dst.writeShort(streamSequenceNumber);
        dst.writeInt((int) payloadProtocolId);
        dst.writeBytes(userData, userData.readerIndex(), userData.readableBytes());
        SctpPacket.pad(dst, start);
    }
}
