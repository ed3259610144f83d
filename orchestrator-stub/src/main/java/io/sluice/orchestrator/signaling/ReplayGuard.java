package io.sluice.orchestrator.signaling;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * Remembers the {@code jti} of every single-use join token until the token expires, so that a
 * second join with it is refused: {@link RedisReplayGuard} across signaling servers,
 * {@link InMemoryReplayGuard} for a server without Redis.
 */
interface ReplayGuard {

    /** True the first time {@code jti} is seen before {@code forgetAfter}; false for every later use. */
    CompletableFuture<Boolean> firstUse(String jti, Instant forgetAfter);
}
