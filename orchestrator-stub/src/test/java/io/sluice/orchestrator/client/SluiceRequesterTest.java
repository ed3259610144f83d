package io.sluice.orchestrator.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.sluice.api.v1.Error;
import io.sluice.api.v1.ErrorCode;
import io.sluice.api.v1.WorkerDumpRequest;
import io.sluice.api.v1.WorkerDumpResponse;
import io.sluice.worker.testsupport.NatsServerProcess;
import io.sluice.worker.testsupport.Patience;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The reply decoding of SluiceRequester against a real nats-server, with a responder that answers
 * exactly the replies docs/protocol.md describes (the worker's own replies are covered by the
 * tests against a running WorkerProcess).
 */
class SluiceRequesterTest {

    private static NatsServerProcess natsServer;
    private static Connection nats;
    private Dispatcher responder;

    @BeforeAll
    static void startNats() throws Exception {
        natsServer = NatsServerProcess.start();
        nats = Nats.connect(natsServer.url());
    }

    @AfterAll
    static void stopNats() throws Exception {
        if (nats != null) {
            nats.close();
        }
        if (natsServer != null) {
            natsServer.close();
        }
    }

    @AfterEach
    void closeResponder() {
        if (responder != null) {
            nats.closeDispatcher(responder);
        }
    }

    @Test
    void decodesTheResponseAndSendsTheIdempotencyKey() throws Exception {
        AtomicReference<Headers> received = new AtomicReference<>();
        respond("sluice.w-0.worker.dump", (request, reply) -> {
            received.set(request.getHeaders());
            reply.data(WorkerDumpResponse.newBuilder().setWorkerId("w-0").setPid(42).build().toByteArray());
        });

        WorkerDumpResponse dump = requester(Duration.ofSeconds(30))
                .request("w-0", "worker", "dump", WorkerDumpRequest.getDefaultInstance(), WorkerDumpResponse.parser(), "key-1")
                .get(30, TimeUnit.SECONDS);

        assertThat(dump.getWorkerId()).isEqualTo("w-0");
        assertThat(dump.getPid()).isEqualTo(42);
        assertThat(received.get().getFirst(SluiceRequester.IDEMPOTENCY_KEY_HEADER)).isEqualTo("key-1");
    }

    @Test
    void withoutAKeyNoIdempotencyHeaderIsSent() throws Exception {
        AtomicReference<Headers> received = new AtomicReference<>();
        respond("sluice.w-0.worker.dump", (request, reply) -> {
            received.set(request.getHeaders());
            reply.data(WorkerDumpResponse.getDefaultInstance().toByteArray());
        });

        requester(Duration.ofSeconds(30))
                .request("w-0", "worker", "dump", WorkerDumpRequest.getDefaultInstance(), WorkerDumpResponse.parser(), null)
                .get(30, TimeUnit.SECONDS);

        assertThat(received.get() == null || !received.get().containsKey(SluiceRequester.IDEMPOTENCY_KEY_HEADER)).isTrue();
    }

    @Test
    void anErrorReplyBecomesATypedExceptionWithTheBodysCodeMessageAndField() {
        respond("sluice.w-0.worker.dump", (request, reply) -> reply
                .headers(errorHeaders("400", "header message"))
                .data(Error.newBuilder().setCode(ErrorCode.INVALID_ARGUMENT).setMessage("body message")
                        .setField("media_codecs[0].mime_type").build().toByteArray()));

        assertThatThrownBy(() -> dump(Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(SluiceRequestException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                    assertThat(e.getMessage()).isEqualTo("body message");
                    assertThat(e.field()).isEqualTo("media_codecs[0].mime_type");
                });
    }

    @Test
    void anErrorReplyWithoutAnErrorBodyIsTypedFromItsStatusHeader() {
        respond("sluice.w-0.worker.dump", (request, reply) -> reply.headers(errorHeaders("404", "router not found: r9")));

        assertThatThrownBy(() -> dump(Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS))
                .cause().isInstanceOfSatisfying(SluiceRequestException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
                    assertThat(e.getMessage()).isEqualTo("router not found: r9");
                });
    }

    @Test
    void aSubjectNobodyServesIsUnavailable() {
        assertThatThrownBy(() -> dump(Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS))
                .cause().isInstanceOfSatisfying(SluiceRequestException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
    }

    @Test
    void aWorkerThatNeverAnswersIsUnavailableAfterTheTimeout() {
        respond("sluice.w-0.worker.dump", (request, reply) -> reply.silent());

        assertThatThrownBy(() -> dump(Duration.ofMillis(300)).get(30, TimeUnit.SECONDS))
                .cause().isInstanceOfSatisfying(SluiceRequestException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
    }

    @Test
    void statusesMapBothWaysForEveryCode() {
        for (ErrorCode code : ErrorCode.values()) {
            if (code == ErrorCode.UNRECOGNIZED || code == ErrorCode.ERROR_CODE_UNSPECIFIED) {
                continue;
            }
            assertThat(SluiceRequestException.codeOfStatus(SluiceRequestException.statusOf(code))).isEqualTo(code);
        }
        assertThat(SluiceRequestException.codeOfStatus(418)).isEqualTo(ErrorCode.INTERNAL);
    }

    private static CompletableFuture<WorkerDumpResponse> dump(Duration timeout) {
        return requester(timeout)
                .request("w-0", "worker", "dump", WorkerDumpRequest.getDefaultInstance(), WorkerDumpResponse.parser(), null);
    }

    private static SluiceRequester requester(Duration timeout) {
        return new SluiceRequester(nats, timeout);
    }

    private static Headers errorHeaders(String status, String message) {
        return new Headers().put(SluiceRequester.ERROR_CODE_HEADER, status).put(SluiceRequester.ERROR_MESSAGE_HEADER, message);
    }

    /** A reply under construction: headers and body, or no reply at all. */
    private static final class Reply {
        Headers headers;
        byte[] data = new byte[0];
        boolean silent;

        Reply headers(Headers value) {
            headers = value;
            return this;
        }

        Reply data(byte[] value) {
            data = value;
            return this;
        }

        void silent() {
            silent = true;
        }
    }

    private interface Responder {
        void answer(io.nats.client.Message request, Reply reply);
    }

    private void respond(String subject, Responder answer) {
        responder = nats.createDispatcher(request -> {
            Reply reply = new Reply();
            answer.answer(request, reply);
            if (!reply.silent) {
                nats.publish(NatsMessage.builder().subject(request.getReplyTo()).headers(reply.headers)
                        .data(reply.data).build());
            }
        });
        responder.subscribe(subject);
        try {
            nats.flush(Patience.WAIT);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
