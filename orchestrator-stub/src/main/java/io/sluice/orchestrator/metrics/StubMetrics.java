package io.sluice.orchestrator.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.sluice.orchestrator.client.SluiceRequester;
import io.sluice.orchestrator.signaling.SignalingServer;
import java.util.function.IntSupplier;

/**
 * The series of the orchestrator stub: rooms, joined peers and open signaling WebSockets (read
 * when scraped), requests to workers by method and outcome (counted as replies arrive), and the
 * Prometheus client's standard {@code jvm_*} and {@code process_*} series.
 */
public final class StubMetrics implements SluiceRequester.RequestObserver {

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter workerRequests = Counter.builder()
            .name("sluice_stub_worker_requests")
            .help("Control requests the stub sent to workers, by method and outcome (OK or the error code)")
            .labelNames("method", "outcome")
            .register(registry);

    public StubMetrics() {
        JvmMetrics.builder().register(registry);
    }

    /**
     * Adds the signaling server's series; once, when it has started (requests to workers are
     * counted from before, as placement starts first).
     */
    public void watch(SignalingServer signaling) {
        gauge("sluice_stub_rooms", "Rooms with at least one peer on this stub", signaling::roomCount);
        gauge("sluice_stub_peers", "Peers that joined a room on this stub", signaling::peerCount);
        gauge("sluice_stub_websocket_sessions", "Open signaling WebSockets, joined or not", signaling::openSessions);
    }

    @Override
    public void onReply(String method, String outcome) {
        workerRequests.labelValues(method, outcome).inc();
    }

    public MetricSnapshots scrape() {
        return registry.scrape();
    }

    private void gauge(String name, String help, IntSupplier value) {
        GaugeWithCallback.builder().name(name).help(help)
                .callback(callback -> callback.call(value.getAsInt()))
                .register(registry);
    }
}
