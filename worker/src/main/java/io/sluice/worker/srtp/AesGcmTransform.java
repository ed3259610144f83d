package io.sluice.worker.srtp;

import java.util.function.Function;

/**
 * AEAD_AES_128_GCM and AEAD_AES_256_GCM (RFC 7714): GCM with a 96-bit IV formed from the session
 * salt (§8.1, §9.1), a 16-byte tag, and AAD = the RTP header (§8.2; header extensions are
 * authenticated, not encrypted) or the RTCP header plus E|index (§9.2 / §9.3 when E = 0).
 * GCM is built here from {@link AesCounterMode} and {@link Ghash} because the JCE's
 * {@code AES/GCM/NoPadding} must be re-initialised with a fresh parameter object per packet and
 * allocates about 900 bytes each time; both parts still run on the JDK's AES and carry-less-multiply
 * intrinsics when {@link JdkGhash} is available.
 */
final class AesGcmTransform extends SrtpTransform {
    static final int TAG_LENGTH = 16;

    private final Direction rtp;
    private final Direction rtcp;
    private final byte[] rtcpAad = new byte[16];

    AesGcmTransform(SrtpSessionKeys keys) {
        this(keys, Ghash::forSrtp, Ghash::forSrtcp);
    }

    /** With the given GHASH implementations (for tests that check each one). */
    AesGcmTransform(SrtpSessionKeys keys, Function<byte[], Ghash> rtpGhash, Function<byte[], Ghash> rtcpGhash) {
        rtp = new Direction(keys.rtpCipherKey(), keys.rtpSalt(), rtpGhash);
        rtcp = new Direction(keys.rtcpCipherKey(), keys.rtcpSalt(), rtcpGhash);
    }

    @Override
    int rtpTagLength() {
        return TAG_LENGTH;
    }

    @Override
    int rtcpTagLength() {
        return TAG_LENGTH;
    }

    /** RFC 7714 §8.1: IV = (0x0000 || SSRC || ROC || SEQ) XOR salt. */
    private static long rtpIvHigh(Direction d, int ssrc, long index) {
        return d.saltHigh ^ ((ssrc & 0xFFFF_FFFFL) << 16) ^ ((index >>> 32) & 0xFFFF);
    }

    private static long rtpIvLow(Direction d, long index) {
        return d.saltLow ^ ((index & 0xFFFF_FFFFL) << 32);
    }

    @Override
    void protectRtp(byte[] a, int off, int headerLength, int length, int ssrc, long index) {
        int payload = off + headerLength;
        int payloadLength = length - headerLength;
        Direction d = rtp;
        d.counterMode.generate(rtpIvHigh(d, ssrc, index), rtpIvLow(d, index) | 1, 1 + AesCounterMode.blocksFor(payloadLength));
        d.counterMode.xorKeystream(AesCounterMode.BLOCK, a, payload, payloadLength);
        d.ghash.reset();
        d.ghash.update(a, off, headerLength);
        d.ghash.padToBlock();
        d.ghash.update(a, payload, payloadLength);
        d.ghash.finish(headerLength, payloadLength);
        writeTag(d, a, off + length);
    }

    @Override
    boolean unprotectRtp(byte[] a, int off, int headerLength, int end, int ssrc, long index) {
        int payload = off + headerLength;
        int payloadLength = end - headerLength;
        Direction d = rtp;
        d.counterMode.generate(rtpIvHigh(d, ssrc, index), rtpIvLow(d, index) | 1, 1 + AesCounterMode.blocksFor(payloadLength));
        d.ghash.reset();
        d.ghash.update(a, off, headerLength);
        d.ghash.padToBlock();
        d.ghash.update(a, payload, payloadLength);
        d.ghash.finish(headerLength, payloadLength);
        if (!tagMatches(d, a, off + end)) {
            return false;
        }
        d.counterMode.xorKeystream(AesCounterMode.BLOCK, a, payload, payloadLength);
        return true;
    }

    /** RFC 7714 §9.1: IV = (0x0000 || SSRC || 0x0000 || 0 || SRTCP index) XOR salt. */
    private static void startRtcp(Direction d, int ssrc, int srtcpIndex, int encryptedLength) {
        d.counterMode.generate(d.saltHigh ^ ((ssrc & 0xFFFF_FFFFL) << 16),
                (d.saltLow ^ ((srtcpIndex & 0xFFFF_FFFFL) << 32)) | 1, 1 + AesCounterMode.blocksFor(encryptedLength));
        d.ghash.reset();
    }

    @Override
    void protectRtcp(byte[] a, int off, int length, int ssrc, int srtcpIndex) {
        int trailer = SRTCP_E_FLAG | srtcpIndex;
        int encrypted = off + RTCP_HEADER_LENGTH;
        int encryptedLength = length - RTCP_HEADER_LENGTH;
        Direction d = rtcp;
        startRtcp(d, ssrc, srtcpIndex, encryptedLength);
        d.counterMode.xorKeystream(AesCounterMode.BLOCK, a, encrypted, encryptedLength);
        absorbRtcpAad(d, a, off, trailer);
        d.ghash.update(a, encrypted, encryptedLength);
        d.ghash.finish(RTCP_HEADER_LENGTH + SRTCP_TRAILER_LENGTH, encryptedLength);
        // RFC 7714 §9: the tag follows the ciphertext and precedes E|index.
        writeTag(d, a, off + length);
        writeInt(a, off + length + TAG_LENGTH, trailer);
    }

    @Override
    int rtcpTrailerOffset(int length) {
        return length - SRTCP_TRAILER_LENGTH;
    }

    @Override
    boolean unprotectRtcp(byte[] a, int off, int length, int ssrc, int trailer) {
        int tagAt = length - SRTCP_TRAILER_LENGTH - TAG_LENGTH;
        int encrypted = off + RTCP_HEADER_LENGTH;
        int bodyLength = tagAt - RTCP_HEADER_LENGTH;
        boolean isEncrypted = (trailer & SRTCP_E_FLAG) != 0;
        Direction d = rtcp;
        startRtcp(d, ssrc, trailer & ~SRTCP_E_FLAG, isEncrypted ? bodyLength : 0);
        if (isEncrypted) {
            absorbRtcpAad(d, a, off, trailer);
            d.ghash.update(a, encrypted, bodyLength);
            d.ghash.finish(RTCP_HEADER_LENGTH + SRTCP_TRAILER_LENGTH, bodyLength);
        } else {
            // RFC 7714 §9.3: without encryption the whole packet and E|index form the AAD.
            d.ghash.update(a, off, tagAt);
            writeInt(rtcpAad, 0, trailer);
            d.ghash.update(rtcpAad, 0, SRTCP_TRAILER_LENGTH);
            d.ghash.finish(tagAt + SRTCP_TRAILER_LENGTH, 0);
        }
        if (!tagMatches(d, a, off + tagAt)) {
            return false;
        }
        if (isEncrypted) {
            d.counterMode.xorKeystream(AesCounterMode.BLOCK, a, encrypted, bodyLength);
        }
        return true;
    }

    /** RFC 7714 §9.2: AAD = the first 8 octets of the RTCP packet || E|index. */
    private void absorbRtcpAad(Direction d, byte[] a, int off, int trailer) {
        System.arraycopy(a, off, rtcpAad, 0, RTCP_HEADER_LENGTH);
        writeInt(rtcpAad, RTCP_HEADER_LENGTH, trailer);
        d.ghash.update(rtcpAad, 0, RTCP_HEADER_LENGTH + SRTCP_TRAILER_LENGTH);
        d.ghash.padToBlock();
    }

    /** T = GHASH(H, A, C) XOR E(K, J0); E(K, J0) is the keystream's first block. */
    private static void writeTag(Direction d, byte[] a, int at) {
        byte[] ks = d.counterMode.keystream();
        AesCounterMode.writeLong(a, at, d.ghash.high() ^ AesCounterMode.readLong(ks, 0));
        AesCounterMode.writeLong(a, at + 8, d.ghash.low() ^ AesCounterMode.readLong(ks, 8));
    }

    private static boolean tagMatches(Direction d, byte[] a, int at) {
        byte[] ks = d.counterMode.keystream();
        long high = d.ghash.high() ^ AesCounterMode.readLong(ks, 0) ^ AesCounterMode.readLong(a, at);
        long low = d.ghash.low() ^ AesCounterMode.readLong(ks, 8) ^ AesCounterMode.readLong(a, at + 8);
        return (high | low) == 0;
    }

    /** The key, GHASH and salt of one of SRTP or SRTCP. */
    private static final class Direction {
        final AesCounterMode counterMode;
        final Ghash ghash;
        final long saltHigh;
        final long saltLow;

        Direction(byte[] key, byte[] salt, Function<byte[], Ghash> ghashFactory) {
            counterMode = new AesCounterMode(key);
            byte[] hashSubkey = new byte[AesCounterMode.BLOCK];
            counterMode.encryptBlock(new byte[AesCounterMode.BLOCK], hashSubkey);
            ghash = ghashFactory.apply(hashSubkey);
            byte[] padded = new byte[AesCounterMode.BLOCK];
            System.arraycopy(salt, 0, padded, 0, 12);
            saltHigh = AesCounterMode.readLong(padded, 0);
            saltLow = AesCounterMode.readLong(padded, 8);
        }
    }
}
