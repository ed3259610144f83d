package io.sluice.worker.control;

import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.api.v1.PipeTransportDumpRequest;
import io.sluice.api.v1.PipeTransportDumpResponse;
import io.sluice.worker.router.PipeTransport;
import io.sluice.worker.router.Router;
import io.sluice.worker.router.SluiceException;
import io.sluice.worker.router.Transport;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the far end of a cross-process pipe that went away without a word (its process killed,
 * or the close request lost): once a second, while this worker has such pipe transports, it asks
 * each one's peer for its end ({@code pipeTransport.dump}). When the peer answers that its end is
 * gone, or when no worker answers the peer's subjects (NATS "no responders") twice in a row (the
 * second probe {@link #CONFIRM_DELAY_MS} after the first), the
 * local end closes with PIPE_PEER_CLOSED, and with it its producers (their consumers get
 * "producerclose") and pipe consumers. A probe that times out proves nothing (NATS may be
 * reconnecting) and closes nothing; it gives up after {@link #PROBE_TIMEOUT}, so that a probe sent
 * as the peer died delays the next one by little. On the worker's loop.
 */
final class PipePeerWatch {

    static final long INTERVAL_MS = 1000;
    /** Consecutive "no responders" answers that make a peer worker count as gone. */
    static final int SILENT_PROBES = 2;
    /**
     * A probe's own limit, not the 7 s of other requests: one sent as the peer died may never be
     * answered, and while it waits its transport is not probed again.
     */
    static final Duration PROBE_TIMEOUT = Duration.ofMillis(1500);
    /** How soon a "no responders" answer is probed again to confirm it. */
    static final long CONFIRM_DELAY_MS = 200;

    private static final Logger log = LoggerFactory.getLogger(PipePeerWatch.class);

    private final WorkerControl control;
    /** Per watched transport: consecutive "no responders" answers of its peer. */
    private final Map<String, Integer> silentProbes = new HashMap<>();
    private final Set<String> probing = new HashSet<>();
    private ScheduledFuture<?> timer;

    PipePeerWatch(WorkerControl control) {
        this.control = control;
    }

    /** Makes sure the watch runs: a pipe transport with a peer in another process exists now. */
    void watch() {
        if (timer == null) {
            timer = control.loop().scheduleAtFixedRate(this::probeAll, INTERVAL_MS, INTERVAL_MS,
                    TimeUnit.MILLISECONDS);
        }
    }

    private void probeAll() {
        boolean any = false;
        for (Router router : control.worker().routers()) {
            for (Transport transport : router.transports()) {
                if (transport instanceof PipeTransport pipe && pipe.peer() != null && !pipe.inProcess()) {
                    any = true;
                    probe(pipe);
                }
            }
        }
        if (!any) {
            timer.cancel(false);
            timer = null;
            silentProbes.clear();
            probing.clear();
        }
    }

    private void probe(PipeTransport pipe) {
        PeerWorkers peers = control.peers();
        if (peers == null || pipe.closed() || !probing.add(pipe.id())) {
            return;
        }
        PipeTransport.Peer peer = pipe.peer();
        peers.call(peer.workerId(), "pipeTransport.dump", PipeTransportDumpRequest.newBuilder()
                .setTransportId(peer.transportId()).build(), PipeTransportDumpResponse.parser(), control.loop(),
                PROBE_TIMEOUT)
                .whenComplete((alive, failure) -> {
                    probing.remove(pipe.id());
                    if (failure == null || pipe.closed()) {
                        silentProbes.remove(pipe.id());
                        return;
                    }
                    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure;
                    if (!(cause instanceof SluiceException error) || error.code() != SluiceException.Code.NOT_FOUND) {
                        return;
                    }
                    boolean workerSilent = error.field().equals("target_worker_id");
                    if (workerSilent && silentProbes.merge(pipe.id(), 1, Integer::sum) < SILENT_PROBES) {
                        // Confirm soon rather than at the next round: a dead peer's consumers wait meanwhile.
                        control.loop().schedule(() -> probe(pipe), CONFIRM_DELAY_MS, TimeUnit.MILLISECONDS);
                        return;
                    }
                    silentProbes.remove(pipe.id());
                    log.warn("pipe transport {}: its peer {} on worker {} is gone ({}); closing it", pipe.id(),
                            peer.transportId(), peer.workerId(), error.getMessage());
                    try {
                        control.worker().closePipeTransport(pipe.id(), true);
                    } catch (SluiceException alreadyClosed) {
                        // Closed meanwhile.
                    }
                });
    }
}
