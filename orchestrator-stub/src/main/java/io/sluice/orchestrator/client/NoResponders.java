package io.sluice.orchestrator.client;

import io.nats.client.JetStreamStatusException;
import io.nats.client.Message;
import io.nats.client.support.NatsRequestCompletableFuture;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Tells a NATS "no responders" answer (status 503: nothing subscribes to the request's subject,
 * so the worker's process is gone or cut off from NATS) from a timeout or a closing connection.
 * jnats reports it in one of three ways, by the connection's options: a status message as the
 * reply, a {@link JetStreamStatusException}, or (the default) by cancelling the request's future
 * without marking it timed out or closed.
 */
public final class NoResponders {

    private static final int STATUS = 503;

    private NoResponders() {}

    /**
     * @param request the future jnats returned for the request (before any wrapping)
     * @param reply the reply, or null
     * @param failure the failure, or null
     */
    public static boolean in(CompletableFuture<Message> request, Message reply, Throwable failure) {
        if (reply != null) {
            return reply.isStatusMessage() && reply.getStatus().getCode() == STATUS;
        }
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof JetStreamStatusException status) {
            return status.getStatus().getCode() == STATUS;
        }
        return request instanceof NatsRequestCompletableFuture nats && nats.isCancelled()
                && !nats.wasCancelledClosing() && !nats.wasCancelledTimedOut();
    }
}
