package io.sluice.worker.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.api.v1.ErrorCode;
import io.sluice.api.v1.WorkerCreateRouterRequest;
import io.sluice.api.v1.WorkerCreateRouterResponse;
import io.sluice.worker.SluiceException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class IdempotencyCacheTest {

    private final MutableClock clock = new MutableClock(1_700_000_000_000L);
    private final IdempotencyCache cache = new IdempotencyCache(clock, Duration.ofMinutes(10), 3);

    private static WorkerCreateRouterRequest request(String room) {
        return WorkerCreateRouterRequest.newBuilder().setRoomId(room).build();
    }

    private static WorkerCreateRouterResponse response(String routerId) {
        return WorkerCreateRouterResponse.newBuilder().setRouterId(routerId).build();
    }

    @Test
    void aNewKeyHasNoReply() throws SluiceException {
        assertThat(cache.replay("worker.createRouter", "k1", request("a"))).isNull();
    }

    @Test
    void theSameKeyAndBodyReplaysTheFirstReply() throws SluiceException {
        cache.remember("worker.createRouter", "k1", request("a"), response("r1"));
        clock.advance(Duration.ofMinutes(9));

        assertThat(cache.replay("worker.createRouter", "k1", request("a"))).isEqualTo(response("r1"));
    }

    @Test
    void theSameKeyWithAnotherBodyIsAlreadyExists() {
        cache.remember("worker.createRouter", "k1", request("a"), response("r1"));

        assertThatThrownBy(() -> cache.replay("worker.createRouter", "k1", request("b")))
                .isInstanceOfSatisfying(SluiceException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.ALREADY_EXISTS));
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
    void theOldestEntryLeavesWhenFull() throws SluiceException {
        for (int i = 0; i < 4; i++) {
            cache.remember("worker.createRouter", "k" + i, request("a"), response("r" + i));
        }

        assertThat(cache.size()).isEqualTo(3);
        assertThat(cache.replay("worker.createRouter", "k0", request("a"))).isNull();
        assertThat(cache.replay("worker.createRouter", "k3", request("a"))).isEqualTo(response("r3"));
    }
}
