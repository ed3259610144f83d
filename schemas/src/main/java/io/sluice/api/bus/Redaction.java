package io.sluice.api.bus;

import java.util.regex.Pattern;

/**
 * Hides the credentials a URL can carry ({@code nats://user:password@host}, {@code
 * nats://token@host}, {@code redis://:password@host}) before the URL is logged or shown in an
 * error: everything between {@code ://} and {@code @} becomes {@code ***}.
 */
public final class Redaction {

    // RFC 3986 §3.1 scheme, then the userinfo of §3.2.1 (anything up to '@' that ends no authority).
    private static final Pattern USER_INFO = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)[^@/?#\\s,\"]+@");

    private Redaction() {}

    /** The text with the user info of every URL in it replaced; null stays null. */
    public static String redact(String text) {
        return text == null ? null : USER_INFO.matcher(text).replaceAll("$1***@");
    }
}
