package io.sluice.worker.control;

import io.sluice.api.v1.Error;
import io.sluice.api.v1.ErrorCode;
import io.sluice.worker.router.SluiceException;

/** The control API's typed error ({@link Error}) for a {@link SluiceException} of the media entities. */
final class ErrorReplies {

    private ErrorReplies() {}

    static ErrorCode code(SluiceException.Code code) {
        return switch (code) {
            case INVALID_ARGUMENT -> ErrorCode.INVALID_ARGUMENT;
            case NOT_FOUND -> ErrorCode.NOT_FOUND;
            case ALREADY_EXISTS -> ErrorCode.ALREADY_EXISTS;
            case UNSUPPORTED -> ErrorCode.UNSUPPORTED;
            case FAILED_PRECONDITION -> ErrorCode.FAILED_PRECONDITION;
            case RESOURCE_EXHAUSTED -> ErrorCode.RESOURCE_EXHAUSTED;
            case INTERNAL -> ErrorCode.INTERNAL;
            case UNAVAILABLE -> ErrorCode.UNAVAILABLE;
        };
    }

    static Error toProto(SluiceException error) {
        return Error.newBuilder()
                .setCode(code(error.code()))
                .setMessage(error.getMessage())
                .setField(error.field())
                .build();
    }
}
