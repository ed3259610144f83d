package io.sluice.worker.metrics;

import io.netty.util.concurrent.Future;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.sluice.worker.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The opt-in debugging series, one per consumer ({@code sluice_consumer_*}, labels worker,
 * consumer, producer, kind), served at {@code /metrics/consumers} only: a scrape job for that path
 * is the opt-in, so {@code /metrics} keeps its bounded cardinality. Sampled by a task on each loop.
 */
final class ConsumerMetrics {

    private static final Logger log = LoggerFactory.getLogger(ConsumerMetrics.class);
    private static final String[] LABELS = {"worker", "consumer", "producer", "kind"};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final List<MeteredWorker> workers;
    private final Clock clock;
    private volatile List<ConsumerSample> samples = List.of();

    ConsumerMetrics(List<? extends MeteredWorker> workers, Clock clock) {
        this.workers = List.copyOf(workers);
        this.clock = clock;
        counter("sluice_consumer_packets_sent", "RTP packets the consumer sent", ConsumerSample::packetsSent);
        counter("sluice_consumer_bytes_sent", "Bytes of RTP the consumer sent", ConsumerSample::bytesSent);
        counter("sluice_consumer_key_frame_requests_received", "PLIs and FIRs from the consumer's receiver",
                ConsumerSample::keyFrameRequestsReceived);
        counter("sluice_consumer_nacks_received", "Generic NACKs from the consumer's receiver",
                ConsumerSample::nacksReceived);
        counter("sluice_consumer_packets_retransmitted", "Packets the consumer sent again",
                ConsumerSample::packetsRetransmitted);
        gauge("sluice_consumer_score", "The consumer's score, 0..10 (as mediasoup computes it)", ConsumerSample::score);
        gauge("sluice_consumer_round_trip_time_seconds", "Round-trip time to the receiver (RFC 3550 6.4.1), 0 until known",
                ConsumerSample::roundTripTimeSeconds);
    }

    synchronized MetricSnapshots scrape() {
        List<Future<List<ConsumerSample>>> pending = new ArrayList<>(workers.size());
        for (MeteredWorker worker : workers) {
            pending.add(worker.loop().submit(() -> ConsumerSample.readAll(worker.worker(), clock.epochMillis())));
        }
        List<ConsumerSample> all = new ArrayList<>();
        for (int i = 0; i < pending.size(); i++) {
            Future<List<ConsumerSample>> future = pending.get(i);
            if (future.awaitUninterruptibly(LoopSampler.TIMEOUT.toMillis()) && future.isSuccess()) {
                all.addAll(future.getNow());
            } else {
                log.warn("worker {} did not list its consumers within {} ms", workers.get(i).id(),
                        LoopSampler.TIMEOUT.toMillis());
            }
        }
        samples = all;
        return registry.scrape();
    }

    private void counter(String name, String help, ToDoubleFunction<ConsumerSample> value) {
        CounterWithCallback.builder().name(name).help(help).labelNames(LABELS)
                .callback(callback -> {
                    for (ConsumerSample s : samples) {
                        callback.call(value.applyAsDouble(s), s.workerId(), s.consumerId(), s.producerId(), s.kind());
                    }
                })
                .register(registry);
    }

    private void gauge(String name, String help, ToDoubleFunction<ConsumerSample> value) {
        GaugeWithCallback.builder().name(name).help(help).labelNames(LABELS)
                .callback(callback -> {
                    for (ConsumerSample s : samples) {
                        callback.call(value.applyAsDouble(s), s.workerId(), s.consumerId(), s.producerId(), s.kind());
                    }
                })
                .register(registry);
    }
}
