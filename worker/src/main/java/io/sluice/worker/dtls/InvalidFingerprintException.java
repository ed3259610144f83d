package io.sluice.worker.dtls;

/** A peer's fingerprint that {@link DtlsFingerprint#parse} refuses (RFC 8122 §5), and why. */
public final class InvalidFingerprintException extends Exception {

    public enum Problem {
        /** A hash function this endpoint does not offer. */
        UNSUPPORTED_ALGORITHM,
        /** Not colon-separated hex bytes, or not as many as the hash has. */
        MALFORMED_VALUE
    }

    private final Problem problem;

    public InvalidFingerprintException(Problem problem, String message) {
        super(message, null, false, false);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
