package io.sluice.worker.router;

import io.sluice.api.v1.SrtpCryptoSuite;
import io.sluice.api.v1.SrtpParameters;
import io.sluice.worker.srtp.SrtpProfile;
import io.sluice.worker.srtp.SrtpReceiveContext;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * SRTP keys of plain transports, exchanged in signalling as SDES does (RFC 4568 §6.1): the
 * concatenated master key and salt, base64-encoded, with the crypto suite's name.
 */
final class PlainSrtp {

    private static final SecureRandom RANDOM = new SecureRandom();

    private PlainSrtp() {}

    static SrtpProfile profile(SrtpCryptoSuite suite, String field) throws SluiceException {
        return switch (suite) {
            case AES_CM_128_HMAC_SHA1_80, SRTP_CRYPTO_SUITE_UNSPECIFIED -> SrtpProfile.AES128_CM_HMAC_SHA1_80;
            case AES_CM_128_HMAC_SHA1_32 -> SrtpProfile.AES128_CM_HMAC_SHA1_32;
            case AEAD_AES_128_GCM -> SrtpProfile.AEAD_AES_128_GCM;
            case AEAD_AES_256_GCM -> SrtpProfile.AEAD_AES_256_GCM;
            default -> throw SluiceException.invalid(field, "unknown SRTP crypto suite " + suite);
        };
    }

    static SrtpCryptoSuite toProto(SrtpProfile profile) {
        return switch (profile) {
            case AES128_CM_HMAC_SHA1_80 -> SrtpCryptoSuite.AES_CM_128_HMAC_SHA1_80;
            case AES128_CM_HMAC_SHA1_32 -> SrtpCryptoSuite.AES_CM_128_HMAC_SHA1_32;
            case AEAD_AES_128_GCM -> SrtpCryptoSuite.AEAD_AES_128_GCM;
            case AEAD_AES_256_GCM -> SrtpCryptoSuite.AEAD_AES_256_GCM;
        };
    }

    /** A fresh random master key and salt for {@code profile}. */
    static byte[] newKeyAndSalt(SrtpProfile profile) {
        byte[] keyAndSalt = new byte[profile.keyLength() + profile.saltLength()];
        RANDOM.nextBytes(keyAndSalt);
        return keyAndSalt;
    }

    /** The context that unprotects what the peer sends, from the parameters it gave. */
    static SrtpReceiveContext receiveContext(SrtpParameters parameters, String field) throws SluiceException {
        SrtpProfile profile = profile(parameters.getCryptoSuite(), field + ".crypto_suite");
        byte[] keyAndSalt;
        try {
            keyAndSalt = Base64.getDecoder().decode(parameters.getKeyBase64());
        } catch (IllegalArgumentException e) {
            throw SluiceException.invalid(field + ".key_base64", "not base64: " + e.getMessage());
        }
        int expected = profile.keyLength() + profile.saltLength();
        if (keyAndSalt.length != expected) {
            throw SluiceException.invalid(field + ".key_base64", profile + " needs " + expected
                    + " bytes of key and salt, got " + keyAndSalt.length);
        }
        SrtpReceiveContext context = new SrtpReceiveContext(profile, Arrays.copyOf(keyAndSalt, profile.keyLength()),
                Arrays.copyOfRange(keyAndSalt, profile.keyLength(), keyAndSalt.length));
        Arrays.fill(keyAndSalt, (byte) 0);
        return context;
    }
}
