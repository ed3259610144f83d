package io.sluice.worker.net;

import io.netty.buffer.ByteBuf;

/**
 * Demultiplexes what arrives on a WebRTC socket by its first byte (RFC 7983 §7), and RTCP from RTP
 * by the second (RFC 5761 §4). Each check also requires the smallest well-formed header, so a
 * caller can read that header without further bounds checks. Static, allocation-free; looks at the
 * readable bytes without moving any index.
 */
public final class PacketClassifier {

    /** What a packet is, as far as its first bytes tell. */
    public enum Kind {
        STUN,
        DTLS,
        RTP,
        RTCP,
        UNKNOWN
    }

    /** RFC 8489 §5. */
    private static final int STUN_HEADER_LENGTH = 20;
    /** RFC 9147 §4 / RFC 6347 §4.1: DTLSPlaintext header. */
    private static final int DTLS_RECORD_HEADER_LENGTH = 13;
    /** RFC 3550 §5.1: fixed RTP header. */
    private static final int RTP_HEADER_LENGTH = 12;
    /** RFC 3550 §6.4.1: common RTCP header plus the sender SSRC. */
    private static final int RTCP_HEADER_LENGTH = 8;

    private PacketClassifier() {}

    public static Kind classify(ByteBuf packet) {
        if (isStun(packet)) {
            return Kind.STUN;
        }
        if (isDtls(packet)) {
            return Kind.DTLS;
        }
        if (isRtcp(packet)) {
            return Kind.RTCP;
        }
        if (isRtp(packet)) {
            return Kind.RTP;
        }
        return Kind.UNKNOWN;
    }

    /** RFC 7983 §7: first byte 0..3; RFC 8489 §5: a 20-byte header. */
    public static boolean isStun(ByteBuf packet) {
        return packet.readableBytes() >= STUN_HEADER_LENGTH && firstByte(packet) <= 3;
    }

    /** RFC 7983 §7: first byte 20..63 (DTLS content types). */
    public static boolean isDtls(ByteBuf packet) {
        int first = firstByte(packet);
        return packet.readableBytes() >= DTLS_RECORD_HEADER_LENGTH && first >= 20 && first <= 63;
    }

    /**
     * RFC 7983 §7: first byte 128..191 (version 2); RFC 5761 §4: the second byte is an RTCP packet
     * type, 192..223 (so RTP payload types 64..95 are never used with rtcp-mux).
     */
    public static boolean isRtcp(ByteBuf packet) {
        if (packet.readableBytes() < RTCP_HEADER_LENGTH || !isVersion2(packet)) {
            return false;
        }
        int packetType = packet.getUnsignedByte(packet.readerIndex() + 1);
        return packetType >= 192 && packetType <= 223;
    }

    /** RFC 7983 §7: first byte 128..191, and the second byte is not an RTCP type (RFC 5761 §4). */
    public static boolean isRtp(ByteBuf packet) {
        if (packet.readableBytes() < RTP_HEADER_LENGTH || !isVersion2(packet)) {
            return false;
        }
        int secondByte = packet.getUnsignedByte(packet.readerIndex() + 1);
        return secondByte < 192 || secondByte > 223;
    }

    private static boolean isVersion2(ByteBuf packet) {
        int first = firstByte(packet);
        return first >= 128 && first <= 191;
    }

    private static int firstByte(ByteBuf packet) {
        return packet.isReadable() ? packet.getUnsignedByte(packet.readerIndex()) : -1;
    }
}
