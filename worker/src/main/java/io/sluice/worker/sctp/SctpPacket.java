package io.sluice.worker.sctp;

import io.netty.buffer.ByteBuf;
import java.util.zip.CRC32C;

/**
 * The SCTP common header (RFC 9260 §3.1) and the chunks after it (§3.2), read in place: a packet
 * is the {@code length} bytes at {@code index} of a buffer; chunks are walked with
 * {@link #firstChunk} and {@link #nextChunk} over absolute indices, allocating nothing.
 *
 * <pre>
 *  0                   1                   2                   3
 *  |        Source Port Number     |     Destination Port Number   |
 *  |                      Verification Tag                         |
 *  |                           Checksum                            |
 *  | Chunk Type    | Chunk Flags   |        Chunk Length           |  (then value, padded to 4)
 * </pre>
 */
public final class SctpPacket {

    public static final int COMMON_HEADER_LENGTH = 12;
    public static final int CHUNK_HEADER_LENGTH = 4;
    /** WebRTC's SCTP port on both sides unless SDP says otherwise (RFC 8841 §5: a=sctp-port default). */
    public static final int WEBRTC_PORT = 5000;

    private SctpPacket() {}

    public static int sourcePort(ByteBuf buf, int index) {
        return buf.getUnsignedShort(index);
    }

    public static int destinationPort(ByteBuf buf, int index) {
        return buf.getUnsignedShort(index + 2);
    }

    public static long verificationTag(ByteBuf buf, int index) {
        return buf.getUnsignedInt(index + 4);
    }

    /**
     * Whether the packet's CRC32c matches (RFC 9260 §6.8, Appendix A: computed over the whole
     * packet with the checksum field as zero, and carried least significant byte first, the byte
     * order in which the reflected CRC comes out, as every implementation writes it).
     */
    public static boolean checksumValid(ByteBuf buf, int index, int length) {
        if (length < COMMON_HEADER_LENGTH) {
            return false;
        }
        return buf.getIntLE(index + 8) == checksum(buf, index, length);
    }

    /** Writes the CRC32c of the packet of {@code length} bytes at {@code index} into its header (§6.8). */
    public static void writeChecksum(ByteBuf buf, int index, int length) {
        buf.setIntLE(index + 8, checksum(buf, index, length));
    }

    private static int checksum(ByteBuf buf, int index, int length) {
        CRC32C crc = new CRC32C();
        update(crc, buf, index, 8);
        crc.update(ZERO_CHECKSUM);
        update(crc, buf, index + COMMON_HEADER_LENGTH, length - COMMON_HEADER_LENGTH);
        return (int) crc.getValue();
    }

    private static final byte[] ZERO_CHECKSUM = new byte[4];

    private static void update(CRC32C crc, ByteBuf buf, int index, int length) {
        if (buf.nioBufferCount() == 1) {
            crc.update(buf.internalNioBuffer(index, length));
            return;
        }
        for (int i = 0; i < length; i++) {
            crc.update(buf.getByte(index + i));
        }
    }

    /** Writes the common header with a zero checksum, which {@link #writeChecksum} fills in when the packet is complete. */
    public static void writeCommonHeader(ByteBuf dst, int sourcePort, int destinationPort, long verificationTag) {
        dst.writeShort(sourcePort);
        dst.writeShort(destinationPort);
        dst.writeInt((int) verificationTag);
        dst.writeInt(0);
    }

    /** Index of the first chunk, or -1 when the packet has none that fits. */
    public static int firstChunk(ByteBuf buf, int index, int length) {
        return chunkAt(buf, index + COMMON_HEADER_LENGTH, index + length);
    }

    /**
     * Index of the chunk after the one at {@code chunk} (its length rounded up to 4, §3.2), or -1
     * at the end of the packet or when the next chunk's length does not fit in it.
     */
    public static int nextChunk(ByteBuf buf, int chunk, int packetEnd) {
        return chunkAt(buf, chunk + paddedLength(chunkLength(buf, chunk)), packetEnd);
    }

    private static int chunkAt(ByteBuf buf, int chunk, int packetEnd) {
        if (chunk + CHUNK_HEADER_LENGTH > packetEnd) {
            return -1;
        }
        int length = chunkLength(buf, chunk);
        return length < CHUNK_HEADER_LENGTH || chunk + length > packetEnd ? -1 : chunk;
    }

    /** Whether the packet's first chunk is an INIT (RFC 9260 §3.3.2): the start of a new association. */
    public static boolean isInit(ByteBuf packet) {
        int index = packet.readerIndex();
        int length = packet.readableBytes();
        return length >= COMMON_HEADER_LENGTH + CHUNK_HEADER_LENGTH && chunksWellFormed(packet, index, length)
                && chunkType(packet, firstChunk(packet, index, length)) == ChunkType.INIT;
    }

    /** Whether every byte after the common header belongs to a well-formed chunk (§3.2: lengths exclude padding, padding at most 3). */
    public static boolean chunksWellFormed(ByteBuf buf, int index, int length) {
        int end = index + length;
        int chunk = index + COMMON_HEADER_LENGTH;
        if (chunk >= end) {
            return false;
        }
        while (chunk < end) {
            if (chunkAt(buf, chunk, end) < 0) {
                return false;
            }
            int next = chunk + paddedLength(chunkLength(buf, chunk));
            if (next > end && next - end > 3) {
                return false;
            }
            chunk = next;
        }
        return true;
    }

    public static int chunkType(ByteBuf buf, int chunk) {
        return buf.getUnsignedByte(chunk);
    }

    public static int chunkFlags(ByteBuf buf, int chunk) {
        return buf.getUnsignedByte(chunk + 1);
    }

    /** The chunk's length field: header and value, without padding. */
    public static int chunkLength(ByteBuf buf, int chunk) {
        return buf.getUnsignedShort(chunk + 2);
    }

    public static int paddedLength(int length) {
        return (length + 3) & ~3;
    }

    /** Writes a chunk header; the caller writes {@code length - 4} value bytes and then {@link #pad}. */
    public static void writeChunkHeader(ByteBuf dst, int type, int flags, int length) {
        dst.writeByte(type);
        dst.writeByte(flags);
        dst.writeShort(length);
    }

    /** Zero bytes up to the next multiple of 4 from {@code start} (§3.2: padding, not counted in the length). */
    public static void pad(ByteBuf dst, int start) {
        int written = dst.writerIndex() - start;
        dst.writeZero(paddedLength(written) - written);
    }
}
