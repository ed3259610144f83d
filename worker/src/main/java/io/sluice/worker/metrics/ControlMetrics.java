package io.sluice.worker.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Control requests of the process, by method and outcome: how long from arrival to queued reply,
 * and errors by code. Recorded once per request (never per packet), from whichever thread replies.
 */
public final class ControlMetrics {

    /** The outcome label of a successful request; failures carry their error code. */
    public static final String OK = "OK";

    private final Histogram duration = Histogram.builder()
            .name("sluice_control_request_duration_seconds")
            .help("Control requests from arrival to reply, by method and outcome (OK or the error code)")
            .labelNames("method", "code")
            .classicOnly()
            .classicUpperBounds(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)
            .build();
    private final Counter errors = Counter.builder()
            .name("sluice_control_errors")
            .help("Control requests answered with an error, by error code")
            .labelNames("code")
            .build();

    public void observe(String method, String code, long nanos) {
        duration.labelValues(method, code).observe(nanos / 1e9);
        if (!OK.equals(code)) {
            errors.labelValues(code).inc();
        }
    }

    void register(PrometheusRegistry registry) {
        registry.register(duration);
        registry.register(errors);
    }
}
