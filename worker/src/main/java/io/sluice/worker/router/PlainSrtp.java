package io.sluice.worker.router;

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

    /** A fresh random master key and salt for {@code profile}. */
    static byte[] newKeyAndSalt(SrtpProfile profile) {
        byte[] keyAndSalt = new byte[profile.keyLength() + profile.saltLength()];
        RANDOM.nextBytes(keyAndSalt);
        return keyAndSalt;
    }

    /** The context that unprotects what the peer sends, from the parameters it gave. */
    static SrtpReceiveContext receiveContext(SrtpKey parameters, String field) throws SluiceException {
        SrtpProfile profile = parameters.profile();
        byte[] keyAndSalt;
        try {
            keyAndSalt = Base64.getDecoder().decode(parameters.keyBase64());
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
