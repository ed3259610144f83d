package io.sluice.worker.srtp;

/**
 * The SRTP protection profiles Sluice negotiates in DTLS's use_srtp extension (RFC 5764 §4.1.2,
 * RFC 7714 §14.2) or takes from a PlainTransport request. Lengths are in bytes.
 */
public enum SrtpProfile {
    AES128_CM_HMAC_SHA1_80(0x0001, 16, 14, 10, 10),
    AES128_CM_HMAC_SHA1_32(0x0002, 16, 14, 4, 10),
    AEAD_AES_128_GCM(0x0007, 16, 12, 16, 16),
    AEAD_AES_256_GCM(0x0008, 32, 12, 16, 16);

    private final int useSrtpId;
    private final int keyLength;
    private final int saltLength;
    private final int rtpAuthTagLength;
    private final int rtcpAuthTagLength;

    SrtpProfile(int useSrtpId, int keyLength, int saltLength, int rtpAuthTagLength, int rtcpAuthTagLength) {
        this.useSrtpId = useSrtpId;
        this.keyLength = keyLength;
        this.saltLength = saltLength;
        this.rtpAuthTagLength = rtpAuthTagLength;
        this.rtcpAuthTagLength = rtcpAuthTagLength;
    }

    /** The SRTPProtectionProfile value of RFC 5764's use_srtp extension. */
    public int useSrtpId() {
        return useSrtpId;
    }

    public int keyLength() {
        return keyLength;
    }

    public int saltLength() {
        return saltLength;
    }

    /** Bytes appended to an SRTP packet: the HMAC tag, or the AEAD tag for GCM. */
    public int rtpAuthTagLength() {
        return rtpAuthTagLength;
    }

    /** Bytes appended to an SRTCP packet after the 4-byte E-flag and index. */
    public int rtcpAuthTagLength() {
        return rtcpAuthTagLength;
    }

    /** Keying material exported from DTLS for this profile: two keys and two salts (RFC 5764 §4.2). */
    public int keyingMaterialLength() {
        return 2 * (keyLength + saltLength);
    }

    public static SrtpProfile fromUseSrtpId(int id) {
        for (SrtpProfile profile : values()) {
            if (profile.useSrtpId == id) {
                return profile;
            }
        }
        return null;
    }
}
