package io.sluice.worker.sctp;

import io.netty.buffer.ByteBuf;

/**
 * INIT and INIT ACK (RFC 9260 §3.3.2, §3.3.3), which share one layout: the initiate tag the
 * sender wants on packets to it, its receiver window, stream counts, first TSN, then optional
 * parameters. Parsed are the ones WebRTC needs: the State Cookie (§3.3.3.1, INIT ACK only),
 * Supported Extensions (RFC 5061 §4.2.7) and Forward-TSN-Supported (RFC 3758 §3.1); others are
 * skipped or end the parameter list as their type's high bits say (§3.2.1), unreported.
 *
 * <pre>
 *  | Type = 1 or 2 |  Chunk Flags  |      Chunk Length             |
 *  |                         Initiate Tag                          |
 *  |          Advertised Receiver Window Credit (a_rwnd)           |
 *  |  Number of Outbound Streams   |  Number of Inbound Streams    |
 *  |                          Initial TSN                          |
 *  |              Optional/Variable-Length Parameters              |
 * </pre>
 */
public record InitChunk(
        boolean ack,
        long initiateTag,
        long advertisedReceiverWindow,
        int outboundStreams,
        int inboundStreams,
        long initialTsn,
        boolean forwardTsnSupported,
        boolean reconfigSupported,
        byte[] stateCookie) {

    public static final int FIXED_LENGTH = 20;
    public static final int PARAMETER_STATE_COOKIE = 7;
    /** RFC 5061 §4.2.7. */
    public static final int PARAMETER_SUPPORTED_EXTENSIONS = 0x8008;
    /** RFC 3758 §3.1. */
    public static final int PARAMETER_FORWARD_TSN_SUPPORTED = 0xc000;

    /** The INIT or INIT ACK at {@code chunk}, or null when it is malformed (§3.3.2: tag and stream counts are never 0). */
    public static InitChunk parse(ByteBuf buf, int chunk) {
        int type = SctpPacket.chunkType(buf, chunk);
        int length = SctpPacket.chunkLength(buf, chunk);
        if ((type != ChunkType.INIT && type != ChunkType.INIT_ACK) || length < FIXED_LENGTH) {
            return null;
        }
        long initiateTag = buf.getUnsignedInt(chunk + 4);
        int outbound = buf.getUnsignedShort(chunk + 12);
        int inbound = buf.getUnsignedShort(chunk + 14);
        if (initiateTag == 0 || outbound == 0 || inbound == 0) {
            return null;
        }
        boolean forwardTsn = false;
        boolean reconfig = false;
        byte[] cookie = null;
        int end = chunk + length;
        int parameter = chunk + FIXED_LENGTH;
        while (parameter + 4 <= end) {
            int parameterType = buf.getUnsignedShort(parameter);
            int parameterLength = buf.getUnsignedShort(parameter + 2);
            if (parameterLength < 4 || parameter + parameterLength > end) {
                return null;
            }
            switch (parameterType) {
                case PARAMETER_STATE_COOKIE -> {
                    cookie = new byte[parameterLength - 4];
                    buf.getBytes(parameter + 4, cookie);
                }
                case PARAMETER_FORWARD_TSN_SUPPORTED -> forwardTsn = true;
                case PARAMETER_SUPPORTED_EXTENSIONS -> {
                    for (int i = parameter + 4; i < parameter + parameterLength; i++) {
                        int extension = buf.getUnsignedByte(i);
                        reconfig |= extension == ChunkType.RE_CONFIG;
                        forwardTsn |= extension == ChunkType.FORWARD_TSN;
                    }
                }
                default -> {
                    if ((parameterType & 0x8000) == 0) {
                        parameter = end; // §3.2.1: 00 and 01 stop processing parameters
                        continue;
                    }
                }
            }
            parameter += SctpPacket.paddedLength(parameterLength);
        }
        boolean ack = type == ChunkType.INIT_ACK;
        if (ack && cookie == null) {
            return null; // §3.3.3: the State Cookie is mandatory in INIT ACK
        }
        return new InitChunk(ack, initiateTag, buf.getUnsignedInt(chunk + 8), outbound, inbound,
                buf.getUnsignedInt(chunk + 16), forwardTsn, reconfig, cookie);
    }

    /** The chunk length field: parameters before the last are counted padded, the last without its padding (§3.2). */
    public int chunkLength() {
        int extensions = (forwardTsnSupported ? 1 : 0) + (reconfigSupported ? 1 : 0);
        return FIXED_LENGTH
                + (extensions > 0 ? SctpPacket.paddedLength(4 + extensions) : 0)
                + (forwardTsnSupported ? 4 : 0)
                + (stateCookie != null ? 4 + stateCookie.length : 0);
    }

    /** Bytes written by {@link #writeTo}, padding included. */
    public int serializedLength() {
        return SctpPacket.paddedLength(chunkLength());
    }

    /** Writes the chunk, padded; both extensions are announced when this side supports them. */
    public void writeTo(ByteBuf dst) {
        int start = dst.writerIndex();
        int extensions = (forwardTsnSupported ? 1 : 0) + (reconfigSupported ? 1 : 0);
        int length = chunkLength();
        SctpPacket.writeChunkHeader(dst, ack ? ChunkType.INIT_ACK : ChunkType.INIT, 0, length);
        dst.writeInt((int) initiateTag);
        dst.writeInt((int) advertisedReceiverWindow);
        dst.writeShort(outboundStreams);
        dst.writeShort(inboundStreams);
        dst.writeInt((int) initialTsn);
        if (extensions > 0) {
            int parameter = dst.writerIndex();
            dst.writeShort(PARAMETER_SUPPORTED_EXTENSIONS);
            dst.writeShort(4 + extensions);
            if (reconfigSupported) {
                dst.writeByte(ChunkType.RE_CONFIG);
            }
            if (forwardTsnSupported) {
                dst.writeByte(ChunkType.FORWARD_TSN);
            }
            SctpPacket.pad(dst, parameter);
        }
        if (forwardTsnSupported) {
            dst.writeShort(PARAMETER_FORWARD_TSN_SUPPORTED);
            dst.writeShort(4);
        }
        if (stateCookie != null) {
            dst.writeShort(PARAMETER_STATE_COOKIE);
            dst.writeShort(4 + stateCookie.length);
            dst.writeBytes(stateCookie);
        }
        SctpPacket.pad(dst, start);
    }
}
