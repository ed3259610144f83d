package io.sluice.orchestrator.signaling;

/**
 * A request the signaling server refuses before anything reaches a worker; {@code code} is sent to
 * the browser (e.g. {@code PERMISSION_DENIED}, {@code NOT_FOUND}, {@code INVALID_ARGUMENT}).
 */
public final class SignalingException extends RuntimeException {

    public static final String PERMISSION_DENIED = "PERMISSION_DENIED";
    public static final String INVALID_ARGUMENT = "INVALID_ARGUMENT";
    public static final String NOT_FOUND = "NOT_FOUND";
    public static final String FAILED_PRECONDITION = "FAILED_PRECONDITION";
    /** A user's session limit or a peer's transport, producer or consumer limit ({@link SignalingLimits}). */
    public static final String RESOURCE_EXHAUSTED = "RESOURCE_EXHAUSTED";
    /** Something the check needs (Redis, for single-use tokens) cannot be reached now; the request may be retried. */
    public static final String UNAVAILABLE = "UNAVAILABLE";

    private final String code;

    public SignalingException(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
