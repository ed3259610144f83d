package io.sluice.orchestrator.signaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * When the record of used token ids cannot be written (Redis unreachable), a single-use token is
 * refused with {@code UNAVAILABLE} rather than let in unrecorded, and its session slot is free
 * again; a token without {@code jti} does not need the record. (The outage is a guard that fails
 * as lettuce does when Redis is down; JoinAdmissionTest covers the real Redis.)
 */
class JoinAdmissionFailClosedTest {

    private static final byte[] SECRET = "fail-closed".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        timers.shutdownNow();
    }

    @Test
    void aSingleUseTokenIsRefusedWhileItsUseCannotBeRecorded() {
        Sessions sessions = new Sessions(SessionStore.NONE, Duration.ZERO, timers, new SignalingLimits(1, 4, 16, 256));
        ReplayGuard redisDown = (jti, forgetAfter) -> CompletableFuture.failedFuture(
                new RedisConnectionException("Unable to connect to 127.0.0.1:6379"));
        JoinAdmission admission = new JoinAdmission(
                JoinTokenVerifier.hs256(SECRET, InstantSource.system(), Duration.ofSeconds(30)), redisDown, sessions);
        JoinToken grant = new JoinToken("ola", "r", Set.of());
        String once = grant.sign(SECRET, Instant.now().plusSeconds(60), "id-1");

        assertThatThrownBy(() -> admission.admit(once, "r", "peer-1").join())
                .isInstanceOf(CompletionException.class).cause().isInstanceOf(SignalingException.class)
                .hasMessageContaining("cannot be checked")
                .extracting(e -> ((SignalingException) e).code()).isEqualTo("UNAVAILABLE");
        sessions.releaseClaim("peer-1");
        assertThat(admission.admit(grant.sign(SECRET, Instant.now().plusSeconds(60)), "r", "peer-2").join())
                .isEqualTo(grant);
    }
}
