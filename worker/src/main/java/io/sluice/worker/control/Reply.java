package io.sluice.worker.control;

import com.google.protobuf.Message;
import io.nats.service.ServiceMessage;
import io.sluice.worker.SluiceException;
import io.sluice.worker.metrics.ControlMetrics;

/** The answer to one request: sent once through {@link ControlIo} and counted in its endpoint's statistics. */
final class Reply {

    private final ControlIo io;
    private final ServiceMessage request;
    private final EndpointStatistics statistics;
    private final long receivedNanos;
    private final ControlMetrics metrics;
    private final String method;

    Reply(ControlIo io, ServiceMessage request, EndpointStatistics statistics, long receivedNanos,
            ControlMetrics metrics, String method) {
        this.metrics = metrics;
        this.method = method;
        this.io = io;
        this.request = request;
        this.statistics = statistics;
        this.receivedNanos = receivedNanos;
    }

    void success(Message response) {
        long nanos = System.nanoTime() - receivedNanos;
        statistics.recordSuccess(nanos);
        metrics.observe(method, ControlMetrics.OK, nanos);
        io.reply(request, response.toByteArray());
    }

    void error(SluiceException error) {
        long nanos = System.nanoTime() - receivedNanos;
        statistics.recordError(nanos, error.code() + ": " + error.getMessage());
        metrics.observe(method, error.code().name(), nanos);
        io.replyError(request, error.toProto());
    }
}
