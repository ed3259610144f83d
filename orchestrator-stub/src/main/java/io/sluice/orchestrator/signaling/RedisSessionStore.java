package io.sluice.orchestrator.signaling;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions in Redis (docs/protocol.md, "Redis keys"): one string per peer,
 * {@code sluice:session:<peerId>}, holding the {@link SessionRecord} as JSON, renewed to a TTL of
 * {@link #TTL} by every write (a bound on what is kept of servers that never came back); a set
 * per room, {@code sluice:room-sessions:<roomId>}, of its peers' ids; and a liveness key per
 * signaling server, {@code sluice:stub:<stubId>}, with a TTL of {@link #STUB_LEASE}. Commands of
 * one connection run in order, so the last write of a session is its last state.
 */
public final class RedisSessionStore implements SessionStore {

    private static final Logger log = LoggerFactory.getLogger(RedisSessionStore.class);
    static final String PREFIX = "sluice:session:";
    static final String ROOM_PREFIX = "sluice:room-sessions:";
    static final String STUB_PREFIX = "sluice:stub:";
    static final Duration TTL = Duration.ofHours(12);
    static final Duration STUB_LEASE = Duration.ofSeconds(5);

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
                .exceptionally(failure -> warn("saved", record.peerId(), failure));
        redis.sadd(ROOM_PREFIX + record.roomId(), record.peerId())
                .exceptionally(failure -> warn("indexed", record.peerId(), failure));
    }

    @Override
    public void delete(String peerId, String roomId) {
        redis.del(key(peerId)).exceptionally(failure -> warn("deleted", peerId, failure));
        redis.srem(ROOM_PREFIX + roomId, peerId).exceptionally(failure -> warn("unindexed", peerId, failure));
    }

    private static <T> T warn(String what, String peerId, Throwable failure) {
        log.warn("session of peer {} not {}: {}", peerId, what, failure.toString());
        return null;
    }

    @Override
    public CompletableFuture<List<SessionRecord>> loadAll() {
        List<String> keys = new ArrayList<>();
        return scan(ScanCursor.INITIAL, keys).thenCompose(done -> read(keys));
    }

    @Override
    public CompletableFuture<List<SessionRecord>> loadRoom(String roomId) {
        return redis.smembers(ROOM_PREFIX + roomId).toCompletableFuture().thenCompose(peers -> {
            List<String> keys = peers.stream().map(RedisSessionStore::key).toList();
            return read(keys).thenApply(records -> {
                // Members whose session expired are dropped from the index as they are found.
                peers.stream().filter(peer -> records.stream().noneMatch(r -> r.peerId().equals(peer)))
                        .forEach(gone -> redis.srem(ROOM_PREFIX + roomId, gone));
                return records;
            });
        });
    }

    @Override
    public CompletableFuture<Optional<SessionRecord>> load(String peerId) {
        return read(List.of(key(peerId))).thenApply(records -> records.stream().findFirst());
    }

    @Override
    public void markAlive(String stubId) {
        redis.set(STUB_PREFIX + stubId, "1", SetArgs.Builder.px(STUB_LEASE.toMillis()))
                .exceptionally(failure -> {
                    log.warn("liveness of signaling server {} not written: {}", stubId, failure.toString());
                    return null;
                });
    }

    @Override
    public void markGone(String stubId) {
        redis.del(STUB_PREFIX + stubId);
    }

    @Override
    public CompletableFuture<Boolean> isAlive(String stubId) {
        return redis.exists(STUB_PREFIX + stubId).toCompletableFuture().thenApply(count -> count != null && count > 0);
    }

    private CompletableFuture<List<SessionRecord>> read(List<String> keys) {
        List<CompletableFuture<String>> reads = keys.stream().map(key -> redis.get(key).toCompletableFuture()).toList();
        return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenApply(all -> {
            List<SessionRecord> records = new ArrayList<>();
            for (int i = 0; i < reads.size(); i++) {
                String json = reads.get(i).join();
                if (json == null) {
                    continue;
                }
                try {
                    records.add(SessionRecord.fromJson(json));
                } catch (JsonProcessingException e) {
                    log.warn("session {} unreadable: {}", keys.get(i), e.getOriginalMessage());
                }
            }
            return records;
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
