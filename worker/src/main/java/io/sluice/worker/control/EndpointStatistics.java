package io.sluice.worker.control;

import io.nats.client.support.JsonValue;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts of one endpoint's replies. NATS micro counts requests itself, but it times only the
 * synchronous part of a handler and counts only thrown errors; Sluice replies later, from the
 * loop, so it reports errors and processing time (request received to reply queued) here, in
 * the endpoint's {@code data} of {@code $SRV.STATS}.
 */
final class EndpointStatistics {

    private final AtomicLong replies = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong processingNanos = new AtomicLong();
    private volatile String lastError = "";

    void recordSuccess(long nanos) {
        replies.incrementAndGet();
        processingNanos.addAndGet(nanos);
    }

    void recordError(long nanos, String error) {
        replies.incrementAndGet();
        errors.incrementAndGet();
        processingNanos.addAndGet(nanos);
        lastError = error;
    }

    long errors() {
        return errors.get();
    }

    JsonValue toJson() {
        long count = replies.get();
        long nanos = processingNanos.get();
        Map<String, JsonValue> map = new LinkedHashMap<>();
        map.put("replies", new JsonValue(count));
        map.put("errors", new JsonValue(errors.get()));
        map.put("processing_time_ns", new JsonValue(nanos));
        map.put("average_processing_time_ns", new JsonValue(count == 0 ? 0 : nanos / count));
        map.put("last_error", new JsonValue(lastError));
        return new JsonValue(map);
    }
}
