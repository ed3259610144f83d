package io.sluice.orchestrator.client;

import io.sluice.api.v1.ErrorCode;

/**
 * A request that failed: the worker's typed {@link io.sluice.api.v1.Error} reply, or
 * {@link ErrorCode#UNAVAILABLE} when no worker answered in time. Futures of the entity clients
 * complete exceptionally with it (wrapped in a {@code CompletionException} by {@code join()}).
 */
public final class SluiceRequestException extends RuntimeException {

    private final ErrorCode code;
    private final String field;

    public SluiceRequestException(ErrorCode code, String message) {
        this(code, message, "", null);
    }

    public SluiceRequestException(ErrorCode code, String message, String field, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.field = field == null ? "" : field;
    }

    public ErrorCode code() {
        return code;
    }

    /** The request field the error is about, or "" (e.g. "media_codecs[2].mime_type"). */
    public String field() {
        return field;
    }

    /** The numeric status of {@code Nats-Service-Error-Code} for a code (docs/protocol.md, "Errors"). */
    public static int statusOf(ErrorCode code) {
        return switch (code) {
            case INVALID_ARGUMENT -> 400;
            case NOT_FOUND -> 404;
            case ALREADY_EXISTS -> 409;
            case UNSUPPORTED -> 415;
            case FAILED_PRECONDITION -> 412;
            case RESOURCE_EXHAUSTED -> 429;
            case UNAVAILABLE -> 503;
            case INTERNAL, ERROR_CODE_UNSPECIFIED, UNRECOGNIZED -> 500;
        };
    }

    /** The code for a {@code Nats-Service-Error-Code} status, when the reply has no usable Error body. */
    public static ErrorCode codeOfStatus(int status) {
        return switch (status) {
            case 400 -> ErrorCode.INVALID_ARGUMENT;
            case 404 -> ErrorCode.NOT_FOUND;
            case 409 -> ErrorCode.ALREADY_EXISTS;
            case 415 -> ErrorCode.UNSUPPORTED;
            case 412 -> ErrorCode.FAILED_PRECONDITION;
            case 429 -> ErrorCode.RESOURCE_EXHAUSTED;
            case 503 -> ErrorCode.UNAVAILABLE;
            default -> ErrorCode.INTERNAL;
        };
    }

    @Override
    public String toString() {
        return "SluiceRequestException{" + code + (field.isEmpty() ? "" : " " + field) + ": " + getMessage() + "}";
    }
}
