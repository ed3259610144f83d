package io.sluice.worker.ice;

import java.nio.charset.StandardCharsets;

/** The STUN error responses an ICE-lite agent sends (RFC 8489 §14.8, RFC 8445 §7.3.1.1). */
public enum StunErrorCode {
    /** RFC 8489 §14.8: malformed request or a required attribute missing. */
    BAD_REQUEST(400, "Bad Request"),
    /** RFC 8489 §9.1.3: unknown USERNAME or wrong MESSAGE-INTEGRITY. */
    UNAUTHORIZED(401, "Unauthorized"),
    /** RFC 8445 §7.3.1.1: both agents claim the same role. */
    ROLE_CONFLICT(487, "Role Conflict");

    private final int code;
    private final byte[] reasonPhrase;

    StunErrorCode(int code, String reasonPhrase) {
        this.code = code;
        this.reasonPhrase = reasonPhrase.getBytes(StandardCharsets.UTF_8);
    }

    public int code() {
        return code;
    }

    /** RFC 8489 §14.8: the hundreds digit. */
    int errorClass() {
        return code / 100;
    }

    /** RFC 8489 §14.8: the code modulo 100. */
    int number() {
        return code % 100;
    }

    /** UTF-8 reason phrase; package-private because the array is shared. */
    byte[] reasonPhrase() {
        return reasonPhrase;
    }
}
