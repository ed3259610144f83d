package io.sluice.worker.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.impl.Headers;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.sluice.api.v1.ErrorCode;
import io.sluice.api.v1.WorkerDumpRequest;
import io.sluice.api.v1.WorkerDumpResponse;
import io.sluice.worker.router.SluiceException;
import io.sluice.worker.testsupport.NatsServerProcess;
import io.sluice.worker.testsupport.Patience;
import io.sluice.worker.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
    private final AtomicInteger slowCalls = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        nats = NatsServerProcess.start();
        serverConnection = Nats.connect(nats.url());
        clientConnection = Nats.connect(nats.url());
        io = new ControlIo(serverConnection);
        loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        // No RTC resources: these methods make no transports.
        WorkerControl worker = new WorkerControl("svc-0", (IoEventLoop) loops.next(), "host", "127.0.0.1", 1,
                Clock.system(), io::publish, null);
        service = new ControlService(worker, io, List.of(
                ControlMethod.of("worker", "dump", WorkerDumpRequest.getDefaultInstance(), (w, request) -> w.dump()),
                ControlMethod.of("worker", "explode", WorkerDumpRequest.getDefaultInstance(), (w, request) -> {
                    throw new IllegalStateException("a bug");
                }),
                ControlMethod.of("worker", "offLoop", WorkerDumpRequest.getDefaultInstance(), (w, request) -> {
                    assert false : "touched state off its loop";
                    return w.dump();
                }),
                ControlMethod.creatingAsync("worker", "slowCreate", WorkerDumpRequest.getDefaultInstance(),
                        (w, request) -> {
                            int call = slowCalls.incrementAndGet();
                            CompletableFuture<WorkerDumpResponse> done = new CompletableFuture<>();
                            w.loop().schedule(() -> done.complete(WorkerDumpResponse.newBuilder()
                                    .setWorkerId("created-" + call).build()), 300, TimeUnit.MILLISECONDS);
                            return done;
                        }),
                ControlMethod.creatingAsync("worker", "slowFail", WorkerDumpRequest.getDefaultInstance(),
                        (w, request) -> {
                            slowCalls.incrementAndGet();
                            CompletableFuture<WorkerDumpResponse> done = new CompletableFuture<>();
                            w.loop().schedule(() -> done.completeExceptionally(new SluiceException(
                                    SluiceException.Code.RESOURCE_EXHAUSTED, "no free port")), 50, TimeUnit.MILLISECONDS);
                            return done;
                        })), closing::get);
        service.start();
        serverConnection.flush(Patience.WAIT);
        client = new ControlClient(clientConnection, Patience.WAIT);
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
    void anAsyncHandlerRepliesWhenItsStageCompletes() throws Exception {
        assertThat(client.call("svc-0", "worker.slowCreate", WorkerDumpRequest.getDefaultInstance())
                .as(WorkerDumpResponse.parser()).getWorkerId()).isEqualTo("created-1");
        ControlClient.Reply failed = client.call("svc-0", "worker.slowFail", WorkerDumpRequest.getDefaultInstance());
        assertThat(failed.status()).isEqualTo(429);
        assertThat(failed.code()).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
    }

    @Test
    void aRetryWhileTheFirstCreateIsPendingGetsTheSameReply() throws Exception {
        byte[] body = WorkerDumpRequest.getDefaultInstance().toByteArray();
        Headers key = new Headers().put(ControlService.IDEMPOTENCY_KEY_HEADER, "k-pending");
        CompletableFuture<io.nats.client.Message> first =
                clientConnection.requestWithTimeout("sluice.svc-0.worker.slowCreate", key, body, Patience.WAIT);
        CompletableFuture<io.nats.client.Message> retry =
                clientConnection.requestWithTimeout("sluice.svc-0.worker.slowCreate", key, body, Patience.WAIT);

        assertThat(WorkerDumpResponse.parseFrom(first.get().getData()).getWorkerId()).isEqualTo("created-1");
        assertThat(WorkerDumpResponse.parseFrom(retry.get().getData()).getWorkerId()).isEqualTo("created-1");
        assertThat(slowCalls.get()).isOne();
    }

    @Test
    void aFailedCreateCanBeRetriedWithTheSameKey() throws Exception {
        ControlClient.Reply first = client.callWithKey("svc-0", "worker.slowFail", WorkerDumpRequest.getDefaultInstance(), "k-fail");
        ControlClient.Reply retry = client.callWithKey("svc-0", "worker.slowFail", WorkerDumpRequest.getDefaultInstance(), "k-fail");

        assertThat(first.code()).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
        assertThat(retry.code()).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
        assertThat(slowCalls.get()).isEqualTo(2);
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
