package io.sluice.worker.control;

import io.sluice.api.v1.ErrorCode;

/** The HTTP-like status of each {@link ErrorCode}, sent in {@code Nats-Service-Error-Code} (docs/protocol.md). */
public final class ErrorStatus {

    private ErrorStatus() {}

    public static int of(ErrorCode code) {
        return switch (code) {
            case INVALID_ARGUMENT -> 400;
            case NOT_FOUND -> 404;
            case ALREADY_EXISTS -> 409;
            case FAILED_PRECONDITION -> 412;
            case UNSUPPORTED -> 415;
            case RESOURCE_EXHAUSTED -> 429;
            case UNAVAILABLE -> 503;
            case INTERNAL, ERROR_CODE_UNSPECIFIED, UNRECOGNIZED -> 500;
        };
    }
}
