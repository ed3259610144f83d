package io.sluice.worker.ice;

import java.util.random.RandomGenerator;

/**
 * A local ICE username fragment and password (RFC 8445 §5.3). Generated ones use the ice-char set
 * (ALPHA / DIGIT / "+" / "/", RFC 8839 §5.4) and mediasoup's lengths: 16 and 32 characters, above
 * the 4 and 22 minimums.
 */
public record IceCredentials(String usernameFragment, String password) {

    public static final int USERNAME_FRAGMENT_LENGTH = 16;
    public static final int PASSWORD_LENGTH = 32;

    private static final char[] ICE_CHARS =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray();

    public IceCredentials {
        if (!isIceString(usernameFragment, 4) || !isIceString(password, 22)) {
            throw new IllegalArgumentException("ufrag needs 4..256 and password 22..256 ice-chars (RFC 8839 §5.4)");
        }
    }

    /** Fresh random credentials; pass a SecureRandom outside tests. */
    public static IceCredentials generate(RandomGenerator random) {
        return new IceCredentials(randomIceString(random, USERNAME_FRAGMENT_LENGTH), randomIceString(random, PASSWORD_LENGTH));
    }

    private static String randomIceString(RandomGenerator random, int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = ICE_CHARS[random.nextInt(ICE_CHARS.length)];
        }
        return new String(chars);
    }

    private static boolean isIceString(String value, int minLength) {
        if (value == null || value.length() < minLength || value.length() > 256) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean iceChar = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
            if (!iceChar) {
                return false;
            }
        }
        return true;
    }
}
