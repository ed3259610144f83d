package io.sluice.worker.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.nats.client.Connection;
import io.nats.client.impl.Headers;
import io.nats.service.ServiceMessage;
import io.sluice.api.v1.ErrorCode;
import java.time.Duration;

/** A test's caller of the control API over a real NATS connection, as any client would be. */
final class ControlClient {

    /** One reply: a response body, or an error body with the NATS micro error headers. */
    record Reply(Headers headers, byte[] body) {

        boolean isError() {
            return headers != null && headers.containsKey(ServiceMessage.NATS_SERVICE_ERROR_CODE);
        }

        int status() {
            return Integer.parseInt(headers.getFirst(ServiceMessage.NATS_SERVICE_ERROR_CODE));
        }

        io.sluice.api.v1.Error error() {
            assertThat(isError()).as("expected an error reply").isTrue();
            try {
                io.sluice.api.v1.Error error = io.sluice.api.v1.Error.parseFrom(body);
                assertThat(headers.getFirst(ServiceMessage.NATS_SERVICE_ERROR)).isEqualTo(error.getMessage());
                return error;
            } catch (InvalidProtocolBufferException e) {
                throw new AssertionError(e);
            }
        }

        ErrorCode code() {
            return error().getCode();
        }

        <T> T as(Parser<T> parser) {
            assertThat(isError()).as("expected a success reply, got %s", isError() ? error() : "").isFalse();
            try {
                return parser.parseFrom(body);
            } catch (InvalidProtocolBufferException e) {
                throw new AssertionError(e);
            }
        }
    }

    private final Connection connection;
    private final Duration timeout;

    ControlClient(Connection connection, Duration timeout) {
        this.connection = connection;
        this.timeout = timeout;
    }

    Reply call(String workerId, String entityMethod, Message request) throws InterruptedException {
        return call(workerId, entityMethod, request.toByteArray(), null);
    }

    Reply call(String workerId, String entityMethod, byte[] body, Headers headers) throws InterruptedException {
        io.nats.client.Message reply = connection.request("sluice." + workerId + "." + entityMethod, headers, body, timeout);
        assertThat(reply).as("reply to %s on %s", entityMethod, workerId).isNotNull();
        return new Reply(reply.getHeaders(), reply.getData());
    }

    Reply callWithKey(String workerId, String entityMethod, Message request, String key) throws InterruptedException {
        return call(workerId, entityMethod, request.toByteArray(),
                new Headers().put(ControlService.IDEMPOTENCY_KEY_HEADER, key));
    }
}
