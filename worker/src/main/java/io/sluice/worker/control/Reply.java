package io.sluice.worker.control;

import com.google.protobuf.Message;
import io.nats.service.ServiceMessage;
import io.sluice.worker.metrics.ControlMetrics;
import io.sluice.worker.router.SluiceException;
import io.sluice.worker.time.Clock;

/**
 * The answer to one request: sent once through {@link ControlIo}, counted in its endpoint's
 * statistics and timed in the process's {@link ControlMetrics}.
 */
final class Reply {

    private final ControlIo io;
    private final ServiceMessage request;
    private final EndpointStatistics statistics;
    private final Clock clock;
    private final long receivedNanos;
    private final ControlMetrics metrics;
    private final String method;

    Reply(ControlIo io, ServiceMessage request, EndpointStatistics statistics, Clock clock, ControlMetrics metrics,
            String method) {
        this.io = io;
        this.request = request;
        this.statistics = statistics;
        this.clock = clock;
        this.receivedNanos = clock.monotonicNanos();
        this.metrics = metrics;
        this.method = method;
    }

    void success(Message response) {
        long nanos = clock.monotonicNanos() - receivedNanos;
        statistics.recordSuccess(nanos);
        metrics.observe(method, ControlMetrics.OK, nanos);
        io.reply(request, response.toByteArray());
    }

    void error(SluiceException error) {
        long nanos = clock.monotonicNanos() - receivedNanos;
        statistics.recordError(nanos, error.code() + ": " + error.getMessage());
        metrics.observe(method, ErrorReplies.code(error.code()).name(), nanos);
        io.replyError(request, ErrorReplies.toProto(error));
    }
}
