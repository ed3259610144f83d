package io.sluice.worker.control;

import com.google.protobuf.Message;
import io.nats.service.ServiceMessage;
import io.sluice.worker.SluiceException;
import io.sluice.worker.time.Clock;

/** The answer to one request: sent once through {@link ControlIo} and counted in its endpoint's statistics. */
final class Reply {

    private final ControlIo io;
    private final ServiceMessage request;
    private final EndpointStatistics statistics;
    private final Clock clock;
    private final long receivedNanos;

    Reply(ControlIo io, ServiceMessage request, EndpointStatistics statistics, Clock clock) {
        this.io = io;
        this.request = request;
        this.statistics = statistics;
        this.clock = clock;
        this.receivedNanos = clock.monotonicNanos();
    }

    void success(Message response) {
        statistics.recordSuccess(clock.monotonicNanos() - receivedNanos);
        io.reply(request, response.toByteArray());
    }

    void error(SluiceException error) {
        statistics.recordError(clock.monotonicNanos() - receivedNanos, error.code() + ": " + error.getMessage());
        io.replyError(request, error.toProto());
    }
}
