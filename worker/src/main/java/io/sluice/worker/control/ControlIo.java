package io.sluice.worker.control;

import io.nats.client.Connection;
import io.nats.client.impl.Headers;
import io.nats.service.ServiceMessage;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread of a process that talks to NATS (replies, events, heartbeats) and starts Redis
 * calls on behalf of the worker loops, so that no loop ever waits on a client library. Its queue
 * is Netty's lock-free task queue; it also runs the 5 s request timeouts.
 */
public final class ControlIo implements Executor, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ControlIo.class);
    private static final int MAX_HEADER_CHARS = 256;

    private final Connection connection;
    private final DefaultEventExecutor thread = new DefaultEventExecutor(new DefaultThreadFactory("sluice-control-io"));
    private final AtomicBoolean publishFailing = new AtomicBoolean();

    public ControlIo(Connection connection) {
        this.connection = connection;
    }

    public Connection connection() {
        return connection;
    }

    @Override
    public void execute(Runnable task) {
        thread.execute(task);
    }

    public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
        return thread.schedule(task, delay, unit);
    }

    /** Sends a success reply: the response message as the body, no headers. */
    public void reply(ServiceMessage request, byte[] body) {
        executeOrDrop(() -> send(() -> request.respond(connection, body)));
    }

    /** Sends an error reply: the {@code Error} body and the NATS micro error headers. */
    public void replyError(ServiceMessage request, io.sluice.api.v1.Error error) {
        Headers headers = new Headers()
                .put(ServiceMessage.NATS_SERVICE_ERROR_CODE, Integer.toString(ErrorStatus.of(error.getCode())))
                .put(ServiceMessage.NATS_SERVICE_ERROR, headerSafe(error.getMessage()));
        byte[] body = error.toByteArray();
        executeOrDrop(() -> send(() -> request.respond(connection, body, headers)));
    }

    /** Publishes an event; while NATS is away, jnats keeps it in its reconnect buffer. */
    public void publish(String subject, byte[] body) {
        executeOrDrop(() -> send(() -> connection.publish(subject, body)));
    }

    /** Publishes a heartbeat, dropped while disconnected: a stale load is worse than none. */
    public void publishIfConnected(String subject, byte[] body) {
        executeOrDrop(() -> {
            if (connection.getStatus() == Connection.Status.CONNECTED) {
                send(() -> connection.publish(subject, body));
            }
        });
    }

    /** Waits until everything queued before this call has run, at most {@code timeout}. */
    public boolean drain(Duration timeout) {
        if (thread.isShuttingDown()) {
            return true;
        }
        try {
            return thread.submit(() -> { }).await(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        drain(Duration.ofSeconds(2));
        thread.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }

    private void executeOrDrop(Runnable task) {
        try {
            thread.execute(task);
        } catch (RejectedExecutionException e) {
            log.debug("control I/O closed; dropped a message", e);
        }
    }

    // jnats throws when its reconnect buffer is full or the connection is closed; one log line
    // per outage is enough, the next success clears it.
    private void send(Runnable publish) {
        try {
            publish.run();
            if (publishFailing.compareAndSet(true, false)) {
                log.info("NATS publishing works again");
            }
        } catch (RuntimeException e) {
            if (publishFailing.compareAndSet(false, true)) {
                log.warn("NATS publish failed ({}); dropping messages until NATS is back", e.toString());
            }
        }
    }

    static String headerSafe(String message) {
        StringBuilder safe = new StringBuilder(Math.min(message.length(), MAX_HEADER_CHARS));
        for (int i = 0; i < message.length() && safe.length() < MAX_HEADER_CHARS; i++) {
            char c = message.charAt(i);
            safe.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return safe.toString();
    }
}
