package io.sluice.worker.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.sluice.api.v1.ErrorCode;
import io.sluice.api.v1.WorkerDumpRequest;
import io.sluice.api.v1.WorkerDumpResponse;
import io.sluice.worker.Worker;
import io.sluice.worker.testsupport.NatsServerProcess;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The request path of one worker's service with a method table of the test's own, over a real nats-server. */
class ControlServiceTest {

    private NatsServerProcess nats;
    private Connection serverConnection;
    private Connection clientConnection;
    private ControlIo io;
    private MultiThreadIoEventLoopGroup loops;
    private ControlService service;
    private final AtomicBoolean closing = new AtomicBoolean();
    private ControlClient client;

    @BeforeEach
    void start() throws Exception {
        nats = NatsServerProcess.start();
        serverConnection = Nats.connect(nats.url());
        clientConnection = Nats.connect(nats.url());
        io = new ControlIo(serverConnection);
        loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        Worker worker = new Worker("svc-0", (IoEventLoop) loops.next(), "host", "127.0.0.1", 1, InstantSource.system(),
                io::publish);
        service = new ControlService(worker, io, List.of(
                ControlMethod.of("worker", "dump", WorkerDumpRequest.getDefaultInstance(), (w, request) -> w.dump()),
                ControlMethod.of("worker", "explode", WorkerDumpRequest.getDefaultInstance(), (w, request) -> {
                    throw new IllegalStateException("a bug");
                }),
                ControlMethod.of("worker", "offLoop", WorkerDumpRequest.getDefaultInstance(), (w, request) -> {
                    assert false : "touched state off its loop";
                    return w.dump();
                })), closing::get);
        service.start();
        serverConnection.flush(Duration.ofSeconds(5));
        client = new ControlClient(clientConnection, Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() throws Exception {
        service.stop();
        io.close();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        serverConnection.close();
        clientConnection.close();
        nats.close();
    }

    @Test
    void anUnexpectedExceptionIsInternalAndTheWorkerServesOn() throws Exception {
        ControlClient.Reply reply = client.call("svc-0", "worker.explode", WorkerDumpRequest.getDefaultInstance());

        assertThat(reply.status()).isEqualTo(500);
        assertThat(reply.code()).isEqualTo(ErrorCode.INTERNAL);
        assertThat(reply.error().getMessage()).isEqualTo("worker.explode failed inside the worker: IllegalStateException");
        assertThat(client.call("svc-0", "worker.dump", WorkerDumpRequest.getDefaultInstance())
                .as(WorkerDumpResponse.parser()).getWorkerId()).isEqualTo("svc-0");
    }

    @Test
    void aFailedAssertionIsInternalToo() throws Exception {
        assertThat(client.call("svc-0", "worker.offLoop", WorkerDumpRequest.getDefaultInstance()).code())
                .isEqualTo(ErrorCode.INTERNAL);
    }

    @Test
    void aClosingWorkerIsUnavailable() throws Exception {
        closing.set(true);

        ControlClient.Reply reply = client.call("svc-0", "worker.dump", WorkerDumpRequest.getDefaultInstance());

        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(reply.error().getMessage()).isEqualTo("worker svc-0 is closing");
    }
}
