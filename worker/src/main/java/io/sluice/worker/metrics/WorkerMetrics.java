package io.sluice.worker.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.sluice.worker.router.LoopCounters;
import io.sluice.worker.time.Clock;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The series of one worker process: per worker loop (label {@code worker}) the transports'
 * packets, bytes and drops, DTLS failures, entity counts, loop busy share and task queue delay;
 * the control requests ({@link ControlMetrics}); the JVM's memory, GC, threads and file
 * descriptors (the Prometheus client's standard {@code jvm_*} and {@code process_*} series).
 */
public final class WorkerMetrics {

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final LoopSampler sampler;
    private final ConsumerMetrics consumers;
    private volatile List<LoopSample> samples = List.of();

    public WorkerMetrics(List<? extends MeteredWorker> workers, ControlMetrics control, Clock clock) {
        this.sampler = new LoopSampler(workers, clock::monotonicNanos);
        this.consumers = new ConsumerMetrics(workers, clock);
        control.register(registry);
        JvmMetrics.builder().register(registry);
        counter("sluice_packets_received", "Datagrams received by the loop's transports", LoopSample::packetsReceived);
        counter("sluice_bytes_received", "Bytes received by the loop's transports", LoopSample::bytesReceived);
        counter("sluice_packets_sent", "Datagrams sent by the loop's transports", LoopSample::packetsSent);
        counter("sluice_bytes_sent", "Bytes sent by the loop's transports", LoopSample::bytesSent);
        counter("sluice_dtls_failures", "DTLS handshakes that failed", LoopSample::dtlsFailures);
        counter("sluice_nacks_received", "Generic NACKs (RFC 4585 6.2.1) from the receivers of the loop's consumers",
                LoopSample::nacksReceived);
        counter("sluice_nacks_sent", "Generic NACKs the loop's producers sent to their senders", LoopSample::nacksSent);
        counter("sluice_packets_retransmitted", "Packets consumers sent again in answer to NACKs",
                LoopSample::packetsRetransmitted);
        counter("sluice_plis_received", "PLIs (RFC 4585 6.3.1) from the receivers of the loop's consumers",
                LoopSample::plisReceived);
        counter("sluice_firs_received", "FIR entries (RFC 5104 4.3.1) from the receivers of the loop's consumers",
                LoopSample::firsReceived);
        counter("sluice_plis_sent", "PLIs the loop's producers sent to ask their senders for a key frame",
                LoopSample::plisSent);
        CounterWithCallback.builder().name("sluice_packets_dropped")
                .help("Incoming datagrams a transport dropped, by reason (srtp_failed: authentication, replay or format)")
                .labelNames("worker", "reason")
                .callback(callback -> {
                    for (LoopSample sample : samples) {
                        for (LoopCounters.Drop reason : LoopCounters.Drop.values()) {
                            callback.call(sample.drops()[reason.ordinal()], sample.workerId(), reason.label());
                        }
                    }
                })
                .register(registry);
        gauge("sluice_routers", "Routers on the loop", sample -> sample.load().getRouters());
        gauge("sluice_transports", "WebRTC and plain transports on the loop", sample -> sample.load().getTransports());
        gauge("sluice_producers", "Producers on the loop", sample -> sample.load().getProducers());
        gauge("sluice_consumers", "Consumers on the loop", sample -> sample.load().getConsumers());
        gauge("sluice_loop_busy_ratio", "Share of the last second the loop's thread was on the CPU (0..1)",
                sample -> sample.load().getLoopUtilization());
        gauge("sluice_loop_task_queue_delay_seconds", "How long the scrape's task waited in the loop's queue",
                sample -> sample.queueDelayNanos() / 1e9);
    }

    /** Samples every loop, then writes every series; one scrape at a time. */
    public synchronized MetricSnapshots scrape() {
        samples = sampler.sample();
        return registry.scrape();
    }

    /** The opt-in series of every consumer ({@code /metrics/consumers}), for debugging. */
    public MetricSnapshots scrapeConsumers() {
        return consumers.scrape();
    }

    private void counter(String name, String help, ToDoubleFunction<LoopSample> value) {
        CounterWithCallback.builder().name(name).help(help).labelNames("worker")
                .callback(callback -> {
                    for (LoopSample sample : samples) {
                        callback.call(value.applyAsDouble(sample), sample.workerId());
                    }
                })
                .register(registry);
    }

    private void gauge(String name, String help, ToDoubleFunction<LoopSample> value) {
        GaugeWithCallback.builder().name(name).help(help).labelNames("worker")
                .callback(callback -> {
                    for (LoopSample sample : samples) {
                        callback.call(value.applyAsDouble(sample), sample.workerId());
                    }
                })
                .register(registry);
    }

}
