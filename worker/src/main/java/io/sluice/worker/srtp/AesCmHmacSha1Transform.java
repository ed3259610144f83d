package io.sluice.worker.srtp;

/**
 * AES_CM_128_HMAC_SHA1_80 and _32: AES in counter mode (RFC 3711 §4.1.1) and HMAC-SHA1 truncated
 * to the profile's tag (§4.2.1); SRTCP always carries an 80-bit tag (RFC 3711 §5.2, RFC 5764 §4.1.2).
 */
final class AesCmHmacSha1Transform extends SrtpTransform {
    private final AesCounterMode rtpCipher;
    private final HmacSha1 rtpMac;
    private final long rtpSaltHigh;
    private final long rtpSaltLow;
    private final AesCounterMode rtcpCipher;
    private final HmacSha1 rtcpMac;
    private final long rtcpSaltHigh;
    private final long rtcpSaltLow;
    private final int rtpTagLength;
    private final int rtcpTagLength;
    private final byte[] rolloverCounter = new byte[4];

    AesCmHmacSha1Transform(SrtpSessionKeys keys, int rtpTagLength, int rtcpTagLength) {
        this.rtpCipher = new AesCounterMode(keys.rtpCipherKey());
        this.rtpMac = new HmacSha1(keys.rtpAuthKey());
        this.rtcpCipher = new AesCounterMode(keys.rtcpCipherKey());
        this.rtcpMac = new HmacSha1(keys.rtcpAuthKey());
        this.rtpTagLength = rtpTagLength;
        this.rtcpTagLength = rtcpTagLength;
        // k_s · 2^16 as a 128-bit block: the 14-byte salt followed by two zero bytes.
        byte[] padded = new byte[16];
        System.arraycopy(keys.rtpSalt(), 0, padded, 0, 14);
        rtpSaltHigh = AesCounterMode.readLong(padded, 0);
        rtpSaltLow = AesCounterMode.readLong(padded, 8);
        System.arraycopy(keys.rtcpSalt(), 0, padded, 0, 14);
        rtcpSaltHigh = AesCounterMode.readLong(padded, 0);
        rtcpSaltLow = AesCounterMode.readLong(padded, 8);
    }

    @Override
    int rtpTagLength() {
        return rtpTagLength;
    }

    @Override
    int rtcpTagLength() {
        return rtcpTagLength;
    }

    @Override
    void protectRtp(byte[] a, int off, int headerLength, int length, int ssrc, long index) {
        applyKeystream(rtpCipher, rtpSaltHigh, rtpSaltLow, ssrc, index, a, off + headerLength, length - headerLength);
        byte[] tag = rtpTag(a, off, length, index);
        System.arraycopy(tag, 0, a, off + length, rtpTagLength);
    }

    @Override
    boolean unprotectRtp(byte[] a, int off, int headerLength, int end, int ssrc, long index) {
        byte[] tag = rtpTag(a, off, end, index);
        if (!tagMatches(tag, a, off + end, rtpTagLength)) {
            return false;
        }
        applyKeystream(rtpCipher, rtpSaltHigh, rtpSaltLow, ssrc, index, a, off + headerLength, end - headerLength);
        return true;
    }

    @Override
    void protectRtcp(byte[] a, int off, int length, int ssrc, int srtcpIndex) {
        applyKeystream(rtcpCipher, rtcpSaltHigh, rtcpSaltLow, ssrc, srtcpIndex,
                a, off + RTCP_HEADER_LENGTH, length - RTCP_HEADER_LENGTH);
        writeInt(a, off + length, SRTCP_E_FLAG | srtcpIndex);
        // RFC 3711 §3.4: the tag covers the header, the encrypted portion and E|index.
        int authenticated = length + SRTCP_TRAILER_LENGTH;
        rtcpMac.start();
        rtcpMac.update(a, off, authenticated);
        System.arraycopy(rtcpMac.finish(), 0, a, off + authenticated, rtcpTagLength);
    }

    @Override
    int rtcpTrailerOffset(int length) {
        return length - rtcpTagLength - SRTCP_TRAILER_LENGTH;
    }

    @Override
    boolean unprotectRtcp(byte[] a, int off, int length, int ssrc, int trailer) {
        int authenticated = length - rtcpTagLength;
        rtcpMac.start();
        rtcpMac.update(a, off, authenticated);
        if (!tagMatches(rtcpMac.finish(), a, off + authenticated, rtcpTagLength)) {
            return false;
        }
        if ((trailer & SRTCP_E_FLAG) != 0) {
            int encryptedLength = authenticated - SRTCP_TRAILER_LENGTH - RTCP_HEADER_LENGTH;
            applyKeystream(rtcpCipher, rtcpSaltHigh, rtcpSaltLow, ssrc, trailer & ~SRTCP_E_FLAG,
                    a, off + RTCP_HEADER_LENGTH, encryptedLength);
        }
        return true;
    }

    /** RFC 3711 §4.2: M = authenticated portion || ROC. */
    private byte[] rtpTag(byte[] a, int off, int length, long index) {
        writeInt(rolloverCounter, 0, (int) (index >>> 16));
        rtpMac.start();
        rtpMac.update(a, off, length);
        rtpMac.update(rolloverCounter, 0, 4);
        return rtpMac.finish();
    }

    /** RFC 3711 §4.1.1: IV = (k_s · 2^16) XOR (SSRC · 2^64) XOR (i · 2^16). */
    private static void applyKeystream(AesCounterMode cipher, long saltHigh, long saltLow, int ssrc, long index,
                                       byte[] a, int off, int len) {
        if (len <= 0) {
            return;
        }
        cipher.generate(saltHigh ^ (ssrc & 0xFFFF_FFFFL), saltLow ^ (index << 16), AesCounterMode.blocksFor(len));
        cipher.xorKeystream(0, a, off, len);
    }

    /** Compares in time independent of where the first difference lies. */
    private static boolean tagMatches(byte[] expected, byte[] a, int at, int length) {
        int difference = 0;
        for (int i = 0; i < length; i++) {
            difference |= expected[i] ^ a[at + i];
        }
        return difference == 0;
    }
}
