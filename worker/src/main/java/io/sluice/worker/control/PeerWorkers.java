package io.sluice.worker.control;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.nats.client.Connection;
import io.nats.client.impl.Headers;
import io.nats.client.support.NatsRequestCompletableFuture;
import io.nats.service.ServiceMessage;
import io.sluice.worker.router.SluiceException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;

/**
 * Requests from one worker to another worker's control subjects, as any backend makes them (used
 * by router.pipeToRouter to make and connect the far end of a pipe). The request leaves from the
 * NATS connection's own threads, never blocking the asking loop; the answer, or a
 * {@link SluiceException} (the other worker's typed error, NOT_FOUND when no worker answers the
 * subject, UNAVAILABLE when it does not answer in time), completes on the asking worker's loop.
 */
public final class PeerWorkers {

    /** Above the other worker's own 5 s loop limit, so its UNAVAILABLE reply arrives first. */
    static final Duration TIMEOUT = ControlService.LOOP_TIMEOUT.plusSeconds(2);

    private final Connection connection;
    private final Set<String> localWorkerIds;

    /** @param localWorkerIds the workers (loops) of this process: pipes to them cross in memory */
    public PeerWorkers(Connection connection, Set<String> localWorkerIds) {
        this.connection = connection;
        this.localWorkerIds = Set.copyOf(localWorkerIds);
    }

    /** Whether {@code workerId} is a loop of this process. */
    boolean isLocal(String workerId) {
        return localWorkerIds.contains(workerId);
    }

    /** {@code entityMethod} (e.g. "router.dump") on {@code workerId}; completes on {@code loop}. */
    <R> CompletionStage<R> call(String workerId, String entityMethod, Message request, Parser<R> parser,
            Executor loop) {
        return call(workerId, entityMethod, request, parser, loop, TIMEOUT);
    }

    /** As above, UNAVAILABLE after {@code timeout} (a probe that only asks whether the worker is there). */
    <R> CompletionStage<R> call(String workerId, String entityMethod, Message request, Parser<R> parser,
            Executor loop, Duration timeout) {
        CompletableFuture<R> answer = new CompletableFuture<>();
        CompletableFuture<io.nats.client.Message> sent;
        try {
            sent = connection.requestWithTimeout("sluice." + workerId + "." + entityMethod, request.toByteArray(),
                    timeout);
        } catch (RuntimeException e) {
            answer.completeExceptionally(unavailable(workerId, entityMethod, e, timeout));
            return answer;
        }
        sent.whenComplete((message, failure) -> loop.execute(() -> {
            if (failure != null) {
                answer.completeExceptionally(failureOf(workerId, entityMethod, failure, noResponders(sent), timeout));
                return;
            }
            try {
                answer.complete(decode(message, parser));
            } catch (SluiceException e) {
                answer.completeExceptionally(e);
            }
        }));
        return answer;
    }

    private static <R> R decode(io.nats.client.Message message, Parser<R> parser) throws SluiceException {
        Headers headers = message.getHeaders();
        try {
            if (headers != null && headers.containsKey(ServiceMessage.NATS_SERVICE_ERROR_CODE)) {
                io.sluice.api.v1.Error error = io.sluice.api.v1.Error.parseFrom(message.getData());
                throw new SluiceException(codeOf(error.getCode()), error.getMessage(), error.getField());
            }
            return parser.parseFrom(message.getData());
        } catch (InvalidProtocolBufferException e) {
            throw new SluiceException(SluiceException.Code.INTERNAL, "malformed reply: " + e.getMessage());
        }
    }

    /**
     * jnats cancels a request that no subscriber can receive (the server's "no responders"
     * status), and also one that timed out or whose connection is closing; only the first means
     * no such worker.
     */
    private static boolean noResponders(CompletableFuture<io.nats.client.Message> sent) {
        return sent.isCancelled() && !(sent instanceof NatsRequestCompletableFuture request
                && (request.wasCancelledTimedOut() || request.wasCancelledClosing()));
    }

    private static SluiceException failureOf(String workerId, String entityMethod, Throwable failure,
            boolean noResponders, Duration timeout) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (noResponders) {
            return new SluiceException(SluiceException.Code.NOT_FOUND, "no worker " + workerId
                    + " answers " + entityMethod, "target_worker_id");
        }
        return unavailable(workerId, entityMethod, cause, timeout);
    }

    private static SluiceException unavailable(String workerId, String entityMethod, Throwable cause,
            Duration timeout) {
        String why = cause instanceof TimeoutException || cause instanceof java.util.concurrent.CancellationException
                ? "no answer within " + timeout.toMillis() + " ms"
                : cause.getClass().getSimpleName();
        return new SluiceException(SluiceException.Code.UNAVAILABLE, "worker " + workerId + " did not answer "
                + entityMethod + ": " + why);
    }

    private static SluiceException.Code codeOf(io.sluice.api.v1.ErrorCode code) {
        return switch (code) {
            case NOT_FOUND -> SluiceException.Code.NOT_FOUND;
            case ALREADY_EXISTS -> SluiceException.Code.ALREADY_EXISTS;
            case UNSUPPORTED -> SluiceException.Code.UNSUPPORTED;
            case FAILED_PRECONDITION -> SluiceException.Code.FAILED_PRECONDITION;
            case RESOURCE_EXHAUSTED -> SluiceException.Code.RESOURCE_EXHAUSTED;
            case UNAVAILABLE -> SluiceException.Code.UNAVAILABLE;
            case INVALID_ARGUMENT -> SluiceException.Code.INVALID_ARGUMENT;
            default -> SluiceException.Code.INTERNAL;
        };
    }
}
