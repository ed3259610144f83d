package io.sluice.worker.srtp;

/**
 * The cryptographic transform of one profile over a packet held in a byte array: it encrypts and
 * authenticates, given the packet index the context computed. It knows nothing of replay or
 * rollover state. Offsets are absolute in {@code a}; the caller has checked every length.
 */
abstract sealed class SrtpTransform permits AesCmHmacSha1Transform, AesGcmTransform {
    /** The SRTCP trailer word: the E flag and the 31-bit SRTCP index (RFC 3711 §3.4). */
    static final int SRTCP_TRAILER_LENGTH = 4;
    static final int SRTCP_E_FLAG = 0x8000_0000;
    /** The first 8 octets of an RTCP packet are never encrypted (RFC 3711 §3.4). */
    static final int RTCP_HEADER_LENGTH = 8;

    static SrtpTransform create(SrtpProfile profile, byte[] masterKey, byte[] masterSalt) {
        SrtpSessionKeys keys = SrtpKeyDerivation.deriveSessionKeys(profile, masterKey, masterSalt);
        return SrtpKeyDerivation.isAead(profile)
                ? new AesGcmTransform(keys)
                : new AesCmHmacSha1Transform(keys, profile.rtpAuthTagLength(), profile.rtcpAuthTagLength());
    }

    abstract int rtpTagLength();

    abstract int rtcpTagLength();

    final int rtcpOverhead() {
        return SRTCP_TRAILER_LENGTH + rtcpTagLength();
    }

    /** Encrypts the payload {@code [off+headerLength, off+length)} and writes the tag at {@code off+length}. */
    abstract void protectRtp(byte[] a, int off, int headerLength, int length, int ssrc, long index);

    /** Checks the tag found at {@code off+end}, then decrypts {@code [off+headerLength, off+end)}. */
    abstract boolean unprotectRtp(byte[] a, int off, int headerLength, int end, int ssrc, long index);

    /** Encrypts {@code [off+8, off+length)} and appends E|index and the tag in this profile's order. */
    abstract void protectRtcp(byte[] a, int off, int length, int ssrc, int srtcpIndex);

    /** Where the E|index word sits in a received SRTCP packet of {@code length} bytes, from {@code off}. */
    abstract int rtcpTrailerOffset(int length);

    /**
     * Checks the tag of a received SRTCP packet of {@code length} bytes and decrypts it when the E
     * flag is set; the plain packet is then the first {@code length - rtcpOverhead()} bytes.
     */
    abstract boolean unprotectRtcp(byte[] a, int off, int length, int ssrc, int trailer);

    static void writeInt(byte[] a, int at, int value) {
        a[at] = (byte) (value >>> 24);
        a[at + 1] = (byte) (value >>> 16);
        a[at + 2] = (byte) (value >>> 8);
        a[at + 3] = (byte) value;
    }
}
