package io.sluice.worker.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Message;
import io.sluice.api.v1.WorkerCreateRouterRequest;
import io.sluice.api.v1.WorkerCreateRouterResponse;
import io.sluice.worker.router.SluiceException;
import io.sluice.worker.testsupport.TestClock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class IdempotencyCacheTest {

    private final TestClock clock = new TestClock(0, 1_700_000_000_000L);
    private final IdempotencyCache cache = new IdempotencyCache(clock, Duration.ofMinutes(10), 3);

    private static WorkerCreateRouterRequest request(String room) {
        return WorkerCreateRouterRequest.newBuilder().setRoomId(room).build();
    }

    private static CompletionStage<Message> response(String routerId) {
        return CompletableFuture.completedFuture(WorkerCreateRouterResponse.newBuilder().setRouterId(routerId).build());
    }

    private static Message replayed(IdempotencyCache cache, String key, WorkerCreateRouterRequest request)
            throws SluiceException {
        CompletionStage<Message> stage = cache.replay("worker.createRouter", key, request);
        return stage == null ? null : stage.toCompletableFuture().join();
    }

    private static Message routerId(String id) {
        return WorkerCreateRouterResponse.newBuilder().setRouterId(id).build();
    }

    @Test
    void aNewKeyHasNoReply() throws SluiceException {
        assertThat(cache.replay("worker.createRouter", "k1", request("a"))).isNull();
    }

    @Test
    void theSameKeyAndBodyReplaysTheFirstReply() throws SluiceException {
        cache.remember("worker.createRouter", "k1", request("a"), response("r1"));
        clock.advance(Duration.ofMinutes(9));

        assertThat(replayed(cache, "k1", request("a"))).isEqualTo(routerId("r1"));
    }

    @Test
    void theSameKeyWithAnotherBodyIsAlreadyExists() {
        cache.remember("worker.createRouter", "k1", request("a"), response("r1"));

        assertThatThrownBy(() -> cache.replay("worker.createRouter", "k1", request("b")))
                .isInstanceOfSatisfying(SluiceException.class,
                        e -> assertThat(e.code()).isEqualTo(SluiceException.Code.ALREADY_EXISTS));
    }

    @Test
    void keysAreScopedByMethod() throws SluiceException {
        cache.remember("worker.createRouter", "k1", request("a"), response("r1"));

        assertThat(cache.replay("router.createWebRtcTransport", "k1", request("b"))).isNull();
    }

    @Test
    void entriesExpireAfterTenMinutes() throws SluiceException {
        cache.remember("worker.createRouter", "k1", request("a"), response("r1"));
        clock.advance(Duration.ofMinutes(10));

        assertThat(cache.replay("worker.createRouter", "k1", request("b"))).isNull();
        assertThat(cache.size()).isZero();
    }

    @Test
    void aPendingResponseIsSharedAndAFailedOneForgotten() throws SluiceException {
        CompletableFuture<Message> pending = new CompletableFuture<>();
        cache.remember("worker.createRouter", "k1", request("a"), pending);

        assertThat(cache.replay("worker.createRouter", "k1", request("a"))).isSameAs(pending);
        cache.forget("worker.createRouter", "k1", response("other"));
        assertThat(cache.size()).isOne();
        cache.forget("worker.createRouter", "k1", pending);
        assertThat(cache.replay("worker.createRouter", "k1", request("b"))).isNull();
    }

    @Test
    void theOldestEntryLeavesWhenFull() throws SluiceException {
        for (int i = 0; i < 4; i++) {
            cache.remember("worker.createRouter", "k" + i, request("a"), response("r" + i));
        }

        assertThat(cache.size()).isEqualTo(3);
        assertThat(cache.replay("worker.createRouter", "k0", request("a"))).isNull();
        assertThat(replayed(cache, "k3", request("a"))).isEqualTo(routerId("r3"));
    }
}
