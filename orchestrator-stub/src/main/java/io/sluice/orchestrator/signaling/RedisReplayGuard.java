package io.sluice.orchestrator.signaling;

import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;

/**
 * Used token ids in Redis (docs/protocol.md, "Redis keys"): {@code sluice:jti:<hex SHA-256 of the
 * jti>}, set with NX so that exactly one of any number of concurrent joins on any server wins, and
 * expiring when the token does (after that the token is refused as expired anyway). The hash
 * bounds the key's length and keeps the caller's text out of key names.
 */
final class RedisReplayGuard implements ReplayGuard {

    static final String PREFIX = "sluice:jti:";

    private final RedisAsyncCommands<String, String> redis;

    RedisReplayGuard(StatefulRedisConnection<String, String> connection) {
        this.redis = connection.async();
    }

    static String key(String jti) {
        try {
            return PREFIX + HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(jti.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    @Override
    public CompletableFuture<Boolean> firstUse(String jti, Instant forgetAfter) {
        // A verified token has not expired yet, so forgetAfter is now or later; the extra second
        // keeps the key from expiring before the command that sets it is done.
        return redis.set(key(jti), "1", SetArgs.Builder.nx().pxAt(forgetAfter.plusSeconds(1).toEpochMilli()))
                .toCompletableFuture()
                .thenApply("OK"::equals);
    }
}
