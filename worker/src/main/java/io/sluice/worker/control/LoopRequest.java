package io.sluice.worker.control;

import com.google.protobuf.Message;
import io.sluice.worker.router.SluiceException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A decoded, valid request on its way to the worker's loop. Whichever comes first wins: the loop
 * starting it, or the timeout expiring it; an expired request never runs, so a late loop cannot
 * create an object the caller was told failed.
 */
final class LoopRequest<Q extends Message, R extends Message> implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(LoopRequest.class);
    private static final int QUEUED = 0;
    private static final int STARTED = 1;
    private static final int EXPIRED = 2;

    private final WorkerControl worker;
    private final ControlMethod<Q, R> method;
    private final Q request;
    private final String idempotencyKey;
    private final Reply reply;
    private final AtomicInteger state = new AtomicInteger(QUEUED);
    // Set before the request is handed to the loop, which publishes it to the loop's thread.
    private Runnable onStart = () -> { };

    LoopRequest(WorkerControl worker, ControlMethod<Q, R> method, Q request, String idempotencyKey, Reply reply) {
        this.worker = worker;
        this.method = method;
        this.request = request;
        this.idempotencyKey = idempotencyKey;
        this.reply = reply;
    }

    /** Runs on the loop when the request starts (and only then); set before handing it to the loop. */
    void onStart(Runnable action) {
        onStart = action;
    }

    /** Called by the timeout; true if the request had not started and now never will. */
    boolean expire() {
        return state.compareAndSet(QUEUED, EXPIRED);
    }

    @Override
    public void run() {
        if (!state.compareAndSet(QUEUED, STARTED)) {
            return;
        }
        onStart.run();
        try {
            handle().whenComplete((response, failure) -> {
                if (failure == null) {
                    reply.success(response);
                } else {
                    fail(failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure);
                }
            });
        } catch (SluiceException | RuntimeException | AssertionError e) {
            fail(e);
        }
    }

    private void fail(Throwable failure) {
        if (failure instanceof SluiceException e) {
            reply.error(e);
            return;
        }
        log.error("{} on worker {} failed: {}", method.fullName(), worker.id(), request, failure);
        reply.error(new SluiceException(SluiceException.Code.INTERNAL,
                method.fullName() + " failed inside the worker: " + failure.getClass().getSimpleName()));
    }

    private CompletionStage<? extends Message> handle() throws SluiceException {
        assert worker.loop().inEventLoop();
        if (idempotencyKey == null) {
            return method.handle(worker, request);
        }
        IdempotencyCache cache = worker.idempotencyCache();
        String name = method.fullName();
        CompletionStage<Message> remembered = cache.replay(name, idempotencyKey, request);
        if (remembered != null) {
            return remembered;
        }
        CompletionStage<Message> response = method.handle(worker, request).thenApply(Message.class::cast);
        cache.remember(name, idempotencyKey, request, response);
        // Only successes are remembered: a create that failed may be retried with the same key.
        response.whenComplete((ok, failure) -> {
            if (failure != null) {
                worker.loop().execute(() -> cache.forget(name, idempotencyKey, response));
            }
        });
        return response;
    }
}
