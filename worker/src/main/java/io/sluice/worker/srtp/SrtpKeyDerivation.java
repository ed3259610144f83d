package io.sluice.worker.srtp;

/**
 * SRTP key derivation (RFC 3711 §4.3) with the AES-CM PRF (§4.3.3) and key_derivation_rate 0, so
 * keys are derived once per master key. The PRF runs AES with the master key's own size: AES-128,
 * or AES-256 for 32-byte master keys (RFC 6188 §7, RFC 7714 §11).
 */
public final class SrtpKeyDerivation {
    /** Labels of RFC 3711 §4.3.2 (SRTP) and §4.3.2 / Table 4 (SRTCP). */
    static final int LABEL_RTP_ENCRYPTION = 0x00;
    static final int LABEL_RTP_AUTHENTICATION = 0x01;
    static final int LABEL_RTP_SALT = 0x02;
    static final int LABEL_RTCP_ENCRYPTION = 0x03;
    static final int LABEL_RTCP_AUTHENTICATION = 0x04;
    static final int LABEL_RTCP_SALT = 0x05;

    /** The session authentication key of the HMAC-SHA1 profiles (RFC 3711 §8.2, n_a = 160). */
    static final int AUTH_KEY_LENGTH = 20;
    /** The PRF's x is 112 bits wide (RFC 3711 §4.3.1). */
    private static final int PRF_SALT_LENGTH = 14;

    private SrtpKeyDerivation() {
    }

    static SrtpSessionKeys deriveSessionKeys(SrtpProfile profile, byte[] masterKey, byte[] masterSalt) {
        checkLengths(profile, masterKey, masterSalt);
        boolean aead = isAead(profile);
        int keyLength = profile.keyLength();
        int saltLength = profile.saltLength();
        int authLength = aead ? 0 : AUTH_KEY_LENGTH;
        return new SrtpSessionKeys(
                derive(masterKey, masterSalt, LABEL_RTP_ENCRYPTION, keyLength),
                derive(masterKey, masterSalt, LABEL_RTP_AUTHENTICATION, authLength),
                derive(masterKey, masterSalt, LABEL_RTP_SALT, saltLength),
                derive(masterKey, masterSalt, LABEL_RTCP_ENCRYPTION, keyLength),
                derive(masterKey, masterSalt, LABEL_RTCP_AUTHENTICATION, authLength),
                derive(masterKey, masterSalt, LABEL_RTCP_SALT, saltLength));
    }

    /**
     * One PRF output (RFC 3711 §4.3.1): key_id = label || r with r = 0 (rate 0), x = key_id XOR
     * master_salt, and the output is the AES-CM keystream for IV = x · 2^16 under the master key.
     * A 12-byte GCM master salt is taken as the high 96 bits of x's 112 (RFC 7714 §11).
     */
    public static byte[] derive(byte[] masterKey, byte[] masterSalt, int label, int length) {
        byte[] out = new byte[length];
        if (length == 0) {
            return out;
        }
        byte[] x = new byte[PRF_SALT_LENGTH + 2];
        System.arraycopy(masterSalt, 0, x, 0, Math.min(masterSalt.length, PRF_SALT_LENGTH));
        // key_id is 56 bits (8-bit label, 48-bit r) aligned on the right of the 112-bit x.
        x[PRF_SALT_LENGTH - 7] ^= (byte) label;
        AesCounterMode aes = new AesCounterMode(masterKey);
        byte[] keystream = aes.generate(AesCounterMode.readLong(x, 0), AesCounterMode.readLong(x, 8),
                AesCounterMode.blocksFor(length));
        System.arraycopy(keystream, 0, out, 0, length);
        return out;
    }

    static boolean isAead(SrtpProfile profile) {
        return profile == SrtpProfile.AEAD_AES_128_GCM || profile == SrtpProfile.AEAD_AES_256_GCM;
    }

    private static void checkLengths(SrtpProfile profile, byte[] masterKey, byte[] masterSalt) {
        if (masterKey.length != profile.keyLength()) {
            throw new IllegalArgumentException(profile + " needs a " + profile.keyLength()
                    + "-byte master key, got " + masterKey.length);
        }
        if (masterSalt.length != profile.saltLength()) {
            throw new IllegalArgumentException(profile + " needs a " + profile.saltLength()
                    + "-byte master salt, got " + masterSalt.length);
        }
    }
}
