package io.sluice.worker.fuzz;

import io.sluice.worker.dtls.DtlsTransport;
import io.sluice.worker.testsupport.Patience;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * A one-thread DTLS handshake executor that keeps whatever its tasks throw (an uncaught exception
 * there would otherwise vanish into the thread's default handler) and tells when its work has
 * settled, so that a fuzz property waits for a condition instead of a fixed time.
 */
final class WatchedExecutor implements Executor, AutoCloseable {

    private final ExecutorService pool = DtlsTransport.newHandshakeExecutor(1);
    private final AtomicLong submitted = new AtomicLong();
    private final AtomicLong started = new AtomicLong();
    private final AtomicLong finished = new AtomicLong();
    private volatile Thread worker;

    final Queue<Throwable> uncaught = new ConcurrentLinkedQueue<>();

    @Override
    public void execute(Runnable task) {
        submitted.incrementAndGet();
        try {
            pool.execute(() -> {
                worker = Thread.currentThread();
                started.incrementAndGet();
                try {
                    task.run();
                } catch (Throwable thrown) {
                    uncaught.add(thrown);
                } finally {
                    finished.incrementAndGet();
                }
            });
        } catch (RejectedExecutionException e) {
            submitted.decrementAndGet();
            throw e;
        }
    }

    /**
     * Every task has ended, or the running one is parked: a handshake only parks in
     * {@code receive()} on an empty queue, so it has consumed every datagram it was given. (A
     * brief park on a contended lock ends the wait early: that input is then exercised less, never
     * judged wrongly.)
     */
    void awaitSettled() {
        await(() -> started.get() == submitted.get() && (finished.get() == started.get() || parked()));
    }

    /** Every task has ended; the loop tasks they posted are then queued on {@code loop}. */
    void awaitIdle() {
        await(() -> finished.get() == submitted.get());
    }

    private boolean parked() {
        Thread.State state = worker == null ? Thread.State.RUNNABLE : worker.getState();
        return state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING;
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Patience.WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the DTLS handshake executor did not settle within " + Patience.WAIT);
            }
            LockSupport.parkNanos(20_000);
        }
    }

    @Override
    public void close() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(Patience.WAIT.toSeconds(), TimeUnit.SECONDS);
    }
}
