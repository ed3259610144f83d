package io.sluice.orchestrator.signaling;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions in Redis (docs/protocol.md, "Redis keys"): one string per peer,
 * {@code sluice:session:<peerId>}, holding the {@link SessionRecord} as JSON. Every write renews a
 * TTL of {@link #TTL}, a bound on what a store keeps of servers that never came back. Commands
 * of one connection run in order, so the last write of a session is its last state.
 */
public final class RedisSessionStore implements SessionStore {

    private static final Logger log = LoggerFactory.getLogger(RedisSessionStore.class);
    static final String PREFIX = "sluice:session:";
    static final Duration TTL = Duration.ofHours(12);

    private final RedisAsyncCommands<String, String> redis;

    /** Uses the caller's connection (shared, closed by the caller). */
    public RedisSessionStore(StatefulRedisConnection<String, String> connection) {
        this.redis = connection.async();
    }

    static String key(String peerId) {
        return PREFIX + peerId;
    }

    @Override
    public void save(SessionRecord record) {
        redis.set(key(record.peerId()), record.toJson(), SetArgs.Builder.px(TTL.toMillis()))
                .exceptionally(failure -> {
                    log.warn("session of peer {} not saved: {}", record.peerId(), failure.toString());
                    return null;
                });
    }

    @Override
    public void delete(String peerId) {
        redis.del(key(peerId)).exceptionally(failure -> {
            log.warn("session of peer {} not deleted: {}", peerId, failure.toString());
            return null;
        });
    }

    @Override
    public CompletableFuture<List<SessionRecord>> loadAll() {
        List<String> keys = new ArrayList<>();
        return scan(ScanCursor.INITIAL, keys).thenCompose(done -> {
            List<CompletableFuture<String>> reads = keys.stream()
                    .map(key -> redis.get(key).toCompletableFuture()).toList();
            return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenApply(all -> {
                List<SessionRecord> records = new ArrayList<>();
                for (int i = 0; i < reads.size(); i++) {
                    String json = reads.get(i).join();
                    if (json == null) {
                        continue;
                    }
                    try {
                        records.add(SessionRecord.fromJson(json));
                    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                        log.warn("session {} not restored: {}", keys.get(i), e.getOriginalMessage());
                    }
                }
                return records;
            });
        });
    }

    private CompletableFuture<Void> scan(ScanCursor cursor, List<String> keys) {
        return redis.scan(cursor, ScanArgs.Builder.matches(PREFIX + "*").limit(500)).toCompletableFuture()
                .thenCompose((KeyScanCursor<String> page) -> {
                    keys.addAll(page.getKeys());
                    return page.isFinished() ? CompletableFuture.completedFuture(null) : scan(page, keys);
                });
    }
}
