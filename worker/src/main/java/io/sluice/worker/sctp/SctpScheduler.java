package io.sluice.worker.sctp;

/**
 * Runs a task later on the association's own thread (the transport's event loop, or a test's
 * hand-driven queue): the association starts no thread and never blocks.
 */
@FunctionalInterface
public interface SctpScheduler {

    Cancellable schedule(Runnable task, long delayMillis);

    @FunctionalInterface
    interface Cancellable {
        void cancel();
    }
}
