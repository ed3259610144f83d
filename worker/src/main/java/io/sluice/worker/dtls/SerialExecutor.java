package io.sluice.worker.dtls;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one transport's BouncyCastle work (handshake, then post-handshake reads and close) one task
 * at a time, in order, on a shared executor: BouncyCastle's record layer is not meant for
 * concurrent readers.
 */
final class SerialExecutor implements Executor {

    private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);

    private final Executor shared;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();

    SerialExecutor(Executor shared) {
        this.shared = shared;
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        if (pending.getAndIncrement() == 0) {
            try {
                shared.execute(this::runAll);
            } catch (RejectedExecutionException e) {
                tasks.clear();
                pending.set(0);
                throw e;
            }
        }
    }

    private void runAll() {
        do {
            Runnable task = tasks.poll();
            try {
                task.run();
            } catch (RuntimeException e) {
                log.error("DTLS task failed", e);
            }
        } while (pending.decrementAndGet() != 0);
    }
}
