package io.sluice.worker.sctp;

/** One of the association's timers (T1-init, T1-cookie, T2-shutdown, T3-rtx, delayed SACK, RE-CONFIG): at most one pending expiry. */
final class SctpTimer {

    private final SctpScheduler scheduler;
    private final Runnable onExpiry;
    private SctpScheduler.Cancellable pending;

    SctpTimer(SctpScheduler scheduler, Runnable onExpiry) {
        this.scheduler = scheduler;
        this.onExpiry = onExpiry;
    }

    void start(long delayMillis) {
        stop();
        SctpScheduler.Cancellable[] self = new SctpScheduler.Cancellable[1];
        self[0] = scheduler.schedule(() -> {
            if (pending == self[0]) {
                pending = null;
                onExpiry.run();
            }
        }, delayMillis);
        pending = self[0];
    }

    void startIfStopped(long delayMillis) {
        if (pending == null) {
            start(delayMillis);
        }
    }

    void stop() {
        if (pending != null) {
            pending.cancel();
            pending = null;
        }
    }

    boolean running() {
        return pending != null;
    }
}
