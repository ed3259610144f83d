package io.sluice.worker.control;

import com.google.protobuf.Message;
import io.nats.service.ServiceMessage;
import io.sluice.worker.router.SluiceException;

/** The answer to one request: sent once through {@link ControlIo} and counted in its endpoint's statistics. */
final class Reply {

    private final ControlIo io;
    private final ServiceMessage request;
    private final EndpointStatistics statistics;
    private final long receivedNanos;

    Reply(ControlIo io, ServiceMessage request, EndpointStatistics statistics, long receivedNanos) {
        this.io = io;
        this.request = request;
        this.statistics = statistics;
        this.receivedNanos = receivedNanos;
    }

    void success(Message response) {
        statistics.recordSuccess(System.nanoTime() - receivedNanos);
        io.reply(request, response.toByteArray());
    }

    void error(SluiceException error) {
        statistics.recordError(System.nanoTime() - receivedNanos, error.code() + ": " + error.getMessage());
        io.replyError(request, ErrorReplies.toProto(error));
    }
}
