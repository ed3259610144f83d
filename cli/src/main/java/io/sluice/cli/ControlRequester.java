package io.sluice.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.nats.client.Connection;
import io.nats.client.impl.Headers;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** One control request on {@code sluice.<workerId>.<entity>.<method>} (docs/protocol.md). */
final class ControlRequester {

    private static final String ERROR_CODE_HEADER = "Nats-Service-Error-Code";

    private final Connection connection;
    private final Duration timeout;

    ControlRequester(Connection connection, Duration timeout) {
        this.connection = connection;
        this.timeout = timeout;
    }

    /** The reply parsed as {@code responseType}; an error reply throws with its code and message. */
    <R extends Message> R call(String workerId, String entityMethod, Message request, R responseType)
            throws Exception {
        String subject = "sluice." + workerId + "." + entityMethod;
        io.nats.client.Message reply;
        try {
            reply = connection.request(subject, request.toByteArray()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            throw new IllegalStateException("no answer from worker " + workerId + " to " + entityMethod
                    + " within " + timeout.toSeconds() + " s (is the worker id right? see: sluice workers)");
        }
        Headers headers = reply.getHeaders();
        if (headers != null && headers.getFirst(ERROR_CODE_HEADER) != null) {
            io.sluice.api.v1.Error error = parseError(reply.getData());
            throw new IllegalStateException(entityMethod + " failed: " + error.getCode() + ": " + error.getMessage());
        }
        @SuppressWarnings("unchecked")
        R response = (R) responseType.getParserForType().parseFrom(reply.getData());
        return response;
    }

    private static io.sluice.api.v1.Error parseError(byte[] body) throws InvalidProtocolBufferException {
        return io.sluice.api.v1.Error.parseFrom(body);
    }
}
