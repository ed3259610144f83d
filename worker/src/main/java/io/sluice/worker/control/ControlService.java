package io.sluice.worker.control;

import com.google.protobuf.Message;
import io.nats.client.Connection;
import io.nats.client.impl.Headers;
import io.nats.service.Service;
import io.nats.service.ServiceBuilder;
import io.nats.service.ServiceEndpoint;
import io.nats.service.ServiceMessage;
import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.worker.metrics.ControlMetrics;
import io.sluice.worker.router.SluiceException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One worker's NATS micro service ({@code sluice-worker}), one endpoint per {@link ControlMethod}.
 *
 * <p>Threading: a NATS dispatcher thread decodes and validates the request and never touches
 * entity state; it hands a {@link LoopRequest} to the worker's loop, which computes the reply and
 * gives it to {@link ControlIo} to send. If the loop has not started the request within 5 s, the
 * caller gets {@code UNAVAILABLE} and the request is dropped unexecuted.
 */
public final class ControlService {

    public static final String SERVICE_NAME = "sluice-worker";
    public static final String IDEMPOTENCY_KEY_HEADER = "Sluice-Idempotency-Key";
    public static final Duration LOOP_TIMEOUT = Duration.ofSeconds(5);
    /** The largest request body but dataProducer.send's: the biggest real ones (produce, consume) are a few KB. */
    public static final int MAX_REQUEST_BYTES = 64 * 1024;
    private static final int MAX_IDEMPOTENCY_KEY_CHARS = 256;

    private final WorkerControl worker;
    private final ControlIo io;
    private final List<ControlMethod<?, ?>> methods;
    private final BooleanSupplier closing;
    private final Map<String, String> metadata;
    private final ControlMetrics metrics;
    private Service service;

    public ControlService(WorkerControl worker, ControlIo io, List<ControlMethod<?, ?>> methods, BooleanSupplier closing) {
        this(worker, io, methods, closing, new ControlMetrics());
    }

    /** As above, recording every request's duration and outcome in {@code metrics} ({@code /metrics}). */
    public ControlService(WorkerControl worker, ControlIo io, List<ControlMethod<?, ?>> methods,
            BooleanSupplier closing, ControlMetrics metrics) {
        this.metrics = metrics;
        this.worker = worker;
        this.io = io;
        this.methods = List.copyOf(methods);
        this.closing = closing;
        this.metadata = Map.of("worker_id", worker.id(), "host", worker.host(), "announced_ip", worker.announcedIp());
    }

    /** Subscribes the endpoints and the discovery subjects; they are live once the connection is flushed. */
    public void start() {
        ServiceBuilder builder = Service.builder()
                .connection(io.connection())
                .name(SERVICE_NAME)
                .description("Sluice worker " + worker.id())
                .version(WorkerControl.VERSION)
                .metadata(metadata)
                .drainTimeout(Duration.ofSeconds(2));
        for (ControlMethod<?, ?> method : methods) {
            builder.addServiceEndpoint(endpoint(method));
        }
        service = builder.build();
        service.startService();
    }

    /** Unsubscribes, letting requests already received finish (there is nothing to drain while NATS is away). */
    public void stop() {
        if (service != null) {
            service.stop(io.connection().getStatus() == Connection.Status.CONNECTED);
        }
    }

    private <Q extends Message, R extends Message> ServiceEndpoint endpoint(ControlMethod<Q, R> method) {
        EndpointStatistics statistics = new EndpointStatistics();
        return ServiceEndpoint.builder()
                .endpointName(method.endpointName())
                .endpointSubject(method.subject(worker.id()))
                .handler(message -> onRequest(method, statistics, message))
                .statsDataSupplier(statistics::toJson)
                .build();
    }

    // On a NATS dispatcher thread.
    private <Q extends Message, R extends Message> void onRequest(
            ControlMethod<Q, R> method, EndpointStatistics statistics, ServiceMessage message) {
        Reply reply = new Reply(io, message, statistics, worker.clock(), metrics, method.fullName());
        if (closing.getAsBoolean()) {
            reply.error(unavailable("worker " + worker.id() + " is closing"));
            return;
        }
        if (message.getData() != null && message.getData().length > method.maxRequestBytes()) {
            reply.error(new SluiceException(SluiceException.Code.INVALID_ARGUMENT, method.fullName() + " request of "
                    + message.getData().length + " bytes is over the limit of " + method.maxRequestBytes() + " bytes"));
            return;
        }
        LoopRequest<Q, R> request;
        try {
            Q decoded = method.parse(message.getData());
            method.validate(decoded);
            request = new LoopRequest<>(worker, method, decoded, idempotencyKey(method, message), reply);
        } catch (SluiceException e) {
            reply.error(e);
            return;
        }
        // The timeout holds the whole request: it is cancelled as soon as the loop starts it, so
        // an answered request is not kept for the rest of the 5 s.
        ScheduledFuture<?> timeout = io.schedule(() -> {
            if (request.expire()) {
                reply.error(unavailable("worker " + worker.id() + " did not answer " + method.fullName()
                        + " within " + LOOP_TIMEOUT.toSeconds() + " s"));
            }
        }, LOOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        request.onStart(() -> timeout.cancel(false));
        try {
            worker.loop().execute(request);
        } catch (RejectedExecutionException e) {
            timeout.cancel(false);
            reply.error(unavailable("worker " + worker.id() + " is closing"));
        }
    }

    private static String idempotencyKey(ControlMethod<?, ?> method, ServiceMessage message) throws SluiceException {
        Headers headers = message.getHeaders();
        if (!method.createsEntity() || headers == null) {
            return null;
        }
        String key = headers.getFirst(IDEMPOTENCY_KEY_HEADER);
        if (key == null || key.isEmpty()) {
            return null;
        }
        if (key.length() > MAX_IDEMPOTENCY_KEY_CHARS) {
            throw SluiceException.invalid(IDEMPOTENCY_KEY_HEADER,
                    IDEMPOTENCY_KEY_HEADER + " must be at most " + MAX_IDEMPOTENCY_KEY_CHARS + " characters");
        }
        return key;
    }

    private static SluiceException unavailable(String message) {
        return new SluiceException(SluiceException.Code.UNAVAILABLE, message);
    }
}
