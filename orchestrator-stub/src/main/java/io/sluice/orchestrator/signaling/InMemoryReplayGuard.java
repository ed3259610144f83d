package io.sluice.orchestrator.signaling;

import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** Used token ids of a signaling server that has no Redis; each is dropped once its token expired. */
final class InMemoryReplayGuard implements ReplayGuard {

    private final ConcurrentMap<String, Instant> used = new ConcurrentHashMap<>();
    private final InstantSource clock;

    InMemoryReplayGuard(InstantSource clock) {
        this.clock = clock;
    }

    @Override
    public CompletableFuture<Boolean> firstUse(String jti, Instant forgetAfter) {
        Instant now = clock.instant();
        used.values().removeIf(expiry -> expiry.isBefore(now));
        return CompletableFuture.completedFuture(used.putIfAbsent(jti, forgetAfter) == null);
    }
}
