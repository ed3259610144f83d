package io.sluice.worker;

import io.sluice.api.v1.ErrorCode;

/**
 * A failure that becomes a typed error reply ({@link io.sluice.api.v1.Error}). Thrown by
 * validation and entity methods on the control path only, never on the media hot path.
 */
public final class SluiceException extends Exception {

    private final ErrorCode code;
    private final String field;

    public SluiceException(ErrorCode code, String message) {
        this(code, message, "");
    }

    public SluiceException(ErrorCode code, String message, String field) {
        super(message, null, false, false);
        this.code = code;
        this.field = field == null ? "" : field;
    }

    public static SluiceException invalid(String field, String message) {
        return new SluiceException(ErrorCode.INVALID_ARGUMENT, message, field);
    }

    public static SluiceException notFound(String what, String id) {
        return new SluiceException(ErrorCode.NOT_FOUND, what + " not found: " + id);
    }

    public static SluiceException unsupported(String field, String message) {
        return new SluiceException(ErrorCode.UNSUPPORTED, message, field);
    }

    public ErrorCode code() {
        return code;
    }

    public String field() {
        return field;
    }

    public io.sluice.api.v1.Error toProto() {
        return io.sluice.api.v1.Error.newBuilder()
                .setCode(code)
                .setMessage(getMessage())
                .setField(field)
                .build();
    }
}
