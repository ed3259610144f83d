package io.sluice.worker.router;

/**
 * A refused or failed request, as the media entities report it: a {@link Code}, a message and the
 * request field at fault (empty when none). The control plane turns it into a typed error reply;
 * it is thrown on the control path only, never on the media hot path.
 */
public final class SluiceException extends Exception {

    /** Why a request failed; the control API has one error code for each. */
    public enum Code {
        /** The request is malformed, misses a required field or has a value out of range. */
        INVALID_ARGUMENT,
        /** An id names no live entity on this worker. */
        NOT_FOUND,
        /** The entity to create exists already. */
        ALREADY_EXISTS,
        /** Well formed, but asks for something Sluice does not support (e.g. a codec). */
        UNSUPPORTED,
        /** Cannot be served in the entity's current state (e.g. a transport already connected). */
        FAILED_PRECONDITION,
        /** Out of a resource (ports, payload types). */
        RESOURCE_EXHAUSTED,
        /** A bug or an unexpected failure inside the worker. */
        INTERNAL,
        /** The worker is shutting down or its loop did not answer in time. */
        UNAVAILABLE
    }

    private final Code code;
    private final String field;

    public SluiceException(Code code, String message) {
        this(code, message, "");
    }

    public SluiceException(Code code, String message, String field) {
        super(message, null, false, false);
        this.code = code;
        this.field = field == null ? "" : field;
    }

    public static SluiceException invalid(String field, String message) {
        return new SluiceException(Code.INVALID_ARGUMENT, message, field);
    }

    public static SluiceException notFound(String what, String id) {
        return new SluiceException(Code.NOT_FOUND, what + " not found: " + id);
    }

    public static SluiceException unsupported(String field, String message) {
        return new SluiceException(Code.UNSUPPORTED, message, field);
    }

    public Code code() {
        return code;
    }

    public String field() {
        return field;
    }
}
