package io.sluice.worker.srtp;

import io.netty.buffer.ByteBuf;

/** The few header fields SRTP needs, read with absolute getters; -1 means malformed. */
final class RtpHeaders {
    static final int FIXED_RTP_HEADER = 12;
    private static final int VERSION_MASK = 0xC0;
    private static final int VERSION_2 = 0x80;

    private RtpHeaders() {
    }

    /**
     * The RTP header length, CSRCs and header extension included (RFC 3550 §5.1, §5.3.1), or -1
     * when the version is not 2 or the header does not fit in {@code length} bytes.
     */
    static int rtpHeaderLength(ByteBuf buf, int index, int length) {
        if (length < FIXED_RTP_HEADER) {
            return -1;
        }
        int first = buf.getUnsignedByte(index);
        if ((first & VERSION_MASK) != VERSION_2) {
            return -1;
        }
        int headerLength = FIXED_RTP_HEADER + 4 * (first & 0x0F);
        if ((first & 0x10) != 0) {
            if (headerLength + 4 > length) {
                return -1;
            }
            headerLength += 4 + 4 * buf.getUnsignedShort(index + headerLength + 2);
        }
        return headerLength <= length ? headerLength : -1;
    }

    /** True when the packet starts like RTCP version 2 with its 8-byte header present (RFC 3550 §6.4). */
    static boolean isRtcpHeader(ByteBuf buf, int index, int length) {
        return length >= SrtpTransform.RTCP_HEADER_LENGTH
                && (buf.getUnsignedByte(index) & VERSION_MASK) == VERSION_2;
    }
}
