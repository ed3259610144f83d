package io.sluice.worker.control;

import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.api.v1.Heartbeat;
import io.sluice.api.v1.WorkerLoad;
import io.sluice.worker.registry.WorkerLease;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Once a second, on the worker's loop: samples the loop's load, publishes a {@link Heartbeat} on
 * {@code sluice.heartbeat.<workerId>} and renews the worker's Redis lease with the same load. Beats
 * once more as soon as the worker starts draining, so the orchestrator stops placing rooms on it at once.
 */
public final class HeartbeatPublisher {

    private static final Logger log = LoggerFactory.getLogger(HeartbeatPublisher.class);
    public static final Duration INTERVAL = Duration.ofSeconds(1);

    private final WorkerControl worker;
    private final ControlIo io;
    private final WorkerLease lease;
    private final String subject;
    private long seq;
    private ScheduledFuture<?> timer;

    public HeartbeatPublisher(WorkerControl worker, ControlIo io, WorkerLease lease) {
        this.worker = worker;
        this.io = io;
        this.lease = lease;
        this.subject = subject(worker.id());
        worker.onDraining(this::beat);
    }

    public static String subject(String workerId) {
        return "sluice.heartbeat." + workerId;
    }

    /** Beats at once (so the registry entry appears with the worker), then every second. */
    public void start() {
        worker.loop().execute(() -> timer = worker.loop().scheduleAtFixedRate(
                this::beat, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS));
    }

    /** Stops the beats; call on the loop. */
    public void stop() {
        assert worker.loop().inEventLoop();
        if (timer != null) {
            timer.cancel(false);
        }
    }

    // A periodic task that throws is never run again, so a failed beat is logged and the next one tries again.
    private void beat() {
        try {
            beatOnce();
        } catch (RuntimeException e) {
            log.warn("heartbeat of worker {} failed", worker.id(), e);
        }
    }

    private void beatOnce() {
        worker.sampleLoad();
        WorkerLoad load = worker.load();
        long now = worker.clock().epochMillis();
        Heartbeat heartbeat = Heartbeat.newBuilder()
                .setWorkerId(worker.id())
                .setTimestampMs(now)
                .setSeq(++seq)
                .setHost(worker.host())
                .setAnnouncedIp(worker.announcedIp())
                .setLoad(load)
                .setInstanceId(lease.instanceId())
                .setDraining(worker.worker().isDraining())
                .build();
        io.publishIfConnected(subject, heartbeat.toByteArray());
        lease.renew(load, worker.worker().isDraining(), now);
    }
}
