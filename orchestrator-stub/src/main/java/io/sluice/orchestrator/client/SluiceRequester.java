package io.sluice.orchestrator.client;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.sluice.api.v1.Error;
import io.sluice.api.v1.ErrorCode;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/**
 * Sends one protobuf request to one worker over NATS request/reply and decodes its reply
 * (docs/protocol.md): the response message, or the {@code Nats-Service-Error-Code} /
 * {@code Nats-Service-Error} headers and {@link Error} body as a {@link SluiceRequestException}.
 *
 * <p>Futures complete on a jnats thread: continuations must not block (hop to an executor first).
 */
public final class SluiceRequester {

    public static final String IDEMPOTENCY_KEY_HEADER = "Sluice-Idempotency-Key";
    public static final String ERROR_CODE_HEADER = "Nats-Service-Error-Code";
    public static final String ERROR_MESSAGE_HEADER = "Nats-Service-Error";
    /** A worker answers UNAVAILABLE itself when its loop is stuck for 5 s; wait a little longer. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(6);

    private final Connection connection;
    private final Duration timeout;
    private volatile Consumer<String> noRespondersListener = workerId -> { };
    private volatile RequestObserver requestObserver = (method, outcome) -> { };

    /** Told the outcome of every request, e.g. to count them by method and outcome. */
    @FunctionalInterface
    public interface RequestObserver {
        /**
         * @param method {@code <entity>.<method>}, as in the subject
         * @param outcome {@code OK} or the error code's name
         */
        void onReply(String method, String outcome);
    }

    public SluiceRequester(Connection connection) {
        this(connection, DEFAULT_TIMEOUT);
    }

    public SluiceRequester(Connection connection, Duration timeout) {
        this.connection = Objects.requireNonNull(connection, "connection");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    public Connection connection() {
        return connection;
    }

    /**
     * Told (on a jnats thread) the worker id of every request that met NATS "no responders",
     * such as {@code WorkerDirectory::suspect}.
     */
    public void onNoResponders(Consumer<String> listener) {
        this.noRespondersListener = Objects.requireNonNull(listener, "listener");
    }

    /** Told (on a jnats thread, or the caller's for a request NATS refused) every request's outcome. */
    public void onReply(RequestObserver observer) {
        this.requestObserver = Objects.requireNonNull(observer, "observer");
    }

    /** {@code sluice.<workerId>.<entity>.<method>}. */
    public static String subject(String workerId, String entity, String method) {
        return "sluice." + workerId + "." + entity + "." + method;
    }

    /**
     * Sends {@code request} to {@code sluice.<workerId>.<entity>.<method>}; the future completes
     * with the decoded response or fails with {@link SluiceRequestException}.
     *
     * @param idempotencyKey sent as {@code Sluice-Idempotency-Key}, or null for none
     */
    public <T extends MessageLite> CompletableFuture<T> request(String workerId, String entity, String method,
            MessageLite request, Parser<T> responseParser, String idempotencyKey) {
        String subject = subject(workerId, entity, method);
        Headers headers = new Headers();
        if (idempotencyKey != null) {
            headers.put(IDEMPOTENCY_KEY_HEADER, idempotencyKey);
        }
        CompletableFuture<Message> sent;
        CompletableFuture<Message> reply;
        try {
            sent = connection.requestWithTimeout(subject, headers, request.toByteArray(), timeout);
            // jnats expires timed-out requests on a periodic sweep (every 5 s by default), so the
            // caller's timeout is enforced here too, to the millisecond.
            reply = sent.orTimeout(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            requestObserver.onReply(entity + "." + method, ErrorCode.UNAVAILABLE.name());
            return CompletableFuture.failedFuture(unavailable(subject, e));
        }
        return reply.handle((message, failure) -> {
            try {
                T decoded = replyOf(workerId, subject, sent, message, failure, responseParser);
                requestObserver.onReply(entity + "." + method, "OK");
                return decoded;
            } catch (SluiceRequestException e) {
                requestObserver.onReply(entity + "." + method, e.code().name());
                throw e;
            }
        });
    }

    private <T extends MessageLite> T replyOf(String workerId, String subject, CompletableFuture<Message> sent,
            Message message, Throwable failure, Parser<T> responseParser) {
        if (NoResponders.in(sent, message, failure)) {
            noRespondersListener.accept(workerId);
            throw new SluiceRequestException(ErrorCode.UNAVAILABLE, subject + ": no worker answered (no responders)");
        }
        if (failure != null) {
            throw unavailable(subject, failure);
        }
        return decode(subject, message, responseParser);
    }

    private static <T extends MessageLite> T decode(String subject, Message reply, Parser<T> responseParser) {
        if (reply.isStatusMessage()) {
            throw new SluiceRequestException(ErrorCode.UNAVAILABLE,
                    subject + ": no worker answered (status " + reply.getStatus().getCode() + ")");
        }
        Headers headers = reply.getHeaders();
        String status = headers == null ? null : headers.getFirst(ERROR_CODE_HEADER);
        if (status != null) {
            throw errorOf(subject, status, headers.getFirst(ERROR_MESSAGE_HEADER), reply.getData());
        }
        try {
            return responseParser.parseFrom(reply.getData());
        } catch (InvalidProtocolBufferException e) {
            throw new SluiceRequestException(ErrorCode.INTERNAL, subject + ": undecodable reply: " + e.getMessage(),
                    "", e);
        }
    }

    private static SluiceRequestException errorOf(String subject, String status, String headerMessage, byte[] body) {
        Error error = null;
        try {
            error = Error.parseFrom(body);
        } catch (InvalidProtocolBufferException e) {
            // Fall back to the headers, which every NATS micro error carries.
        }
        if (error != null && error.getCode() != ErrorCode.ERROR_CODE_UNSPECIFIED
                && error.getCode() != ErrorCode.UNRECOGNIZED) {
            return new SluiceRequestException(error.getCode(), error.getMessage(), error.getField(), null);
        }
        ErrorCode code;
        try {
            code = SluiceRequestException.codeOfStatus(Integer.parseInt(status.trim()));
        } catch (NumberFormatException e) {
            code = ErrorCode.INTERNAL;
        }
        String message = headerMessage != null ? headerMessage : subject + ": error status " + status;
        return new SluiceRequestException(code, message);
    }

    private static SluiceRequestException unavailable(String subject, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof SluiceRequestException typed) {
            return typed;
        }
        return new SluiceRequestException(ErrorCode.UNAVAILABLE, subject + ": no reply: " + cause, "", cause);
    }
}
