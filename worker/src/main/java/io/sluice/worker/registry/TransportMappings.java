package io.sluice.worker.registry;

import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.sluice.worker.router.SluiceException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The Redis mappings from users to the transports serving them (docs/protocol.md, "Redis keys"):
 * {@code sluice:transport:<transportId>} (hash: worker_id, router_id, room_id, user_id, and
 * instance_id, the writing process's {@link RedisRegistry#instanceId()}),
 * {@code sluice:user:<roomId>:<userId>:transports} (ids with {@code %} and {@code :} percent-encoded) and {@code sluice:worker:<workerId>:transports}
 * (sets of transport ids).
 *
 * <p>Every method is asynchronous and returns at once: nothing here blocks the caller, so an event
 * loop may call it. Futures complete on lettuce's I/O threads; a caller that touches loop-owned
 * state in a continuation must hop back to its loop ({@code thenAcceptAsync(..., loop)}). The
 * connection is shared and owned by the caller, who closes it.
 */
public final class TransportMappings {

    /** One transport's entry. */
    public record Mapping(String transportId, String workerId, String routerId, String roomId, String userId) {
        public Mapping {
            Objects.requireNonNull(transportId, "transportId");
            Objects.requireNonNull(workerId, "workerId");
            Objects.requireNonNull(routerId, "routerId");
            Objects.requireNonNull(roomId, "roomId");
            Objects.requireNonNull(userId, "userId");
        }
    }

    /** What one {@link #sweep()} did. */
    public record SweepResult(int workersSwept, int transportsRemoved) {}

    private static final String PREFIX = "sluice:";
    private static final String WORKER_TRANSPORTS_PATTERN = PREFIX + "worker:*:transports";
    private static final long SCAN_BATCH = 256;

    private final RedisAsyncCommands<String, String> redis;
    private final String instanceId;

    /** Mappings that {@link #put} writes without an instance id (readers, sweepers, tests). */
    public TransportMappings(StatefulRedisConnection<String, String> connection) {
        this(connection, "");
    }

    /** Mappings that {@link #put} writes as the process {@code instanceId}'s. */
    public TransportMappings(StatefulRedisConnection<String, String> connection, String instanceId) {
        this.redis = connection.async();
        this.instanceId = Objects.requireNonNull(instanceId, "instanceId");
    }

    public static String transportKey(String transportId) {
        return PREFIX + "transport:" + transportId;
    }

    /** The set of a user's transports in a room; both ids are {@link #keyPart encoded}. */
    public static String userTransportsKey(String roomId, String userId) {
        return PREFIX + "user:" + keyPart(roomId) + ":" + keyPart(userId) + ":transports";
    }

    /**
     * An id as one part of a colon-separated key: {@code %} and {@code :} percent-encoded (RFC 3986
     * §2.1), so that room {@code a:b} with user {@code c} and room {@code a} with user {@code b:c}
     * get different keys. The Lua scripts encode the same way.
     */
    public static String keyPart(String id) {
        if (id.indexOf('%') < 0 && id.indexOf(':') < 0) {
            return id;
        }
        return id.replace("%", "%25").replace(":", "%3A");
    }

    public static String workerTransportsKey(String workerId) {
        return PREFIX + "worker:" + workerId + ":transports";
    }

    public static String workerLeaseKey(String workerId) {
        return PREFIX + "worker:" + workerId;
    }

    /**
     * Writes the transport's hash and adds it to its user's and its worker's sets, all at once.
     * Fails with {@link SluiceException} {@code ALREADY_EXISTS}, writing nothing, when the
     * transport id is mapped already.
     */
    public CompletableFuture<Void> put(String transportId, String workerId, String routerId, String roomId,
            String userId) {
        Mapping mapping = new Mapping(transportId, workerId, routerId, roomId, userId);
        String[] keys = {transportKey(transportId), userTransportsKey(roomId, userId), workerTransportsKey(workerId)};
        CompletionStage<Long> written = redis.eval(TransportMappingsScripts.PUT, ScriptOutputType.INTEGER, keys,
                mapping.transportId(), mapping.workerId(), mapping.routerId(), mapping.roomId(), mapping.userId(),
                instanceId);
        return written.toCompletableFuture().thenCompose(result -> result == 1L
                ? CompletableFuture.<Void>completedFuture(null)
                : CompletableFuture.<Void>failedFuture(new SluiceException(SluiceException.Code.ALREADY_EXISTS,
                        "transport already mapped in Redis: " + transportId)));
    }

    /** Removes the transport's hash and set memberships; completes with false when it was not mapped. */
    public CompletableFuture<Boolean> remove(String transportId) {
        CompletionStage<Long> removed = redis.eval(TransportMappingsScripts.REMOVE, ScriptOutputType.INTEGER,
                new String[] {transportKey(transportId)}, transportId);
        return removed.toCompletableFuture().thenApply(result -> result == 1L);
    }

    /** The transport's entry, if it is mapped. */
    public CompletableFuture<Optional<Mapping>> find(String transportId) {
        return redis.hgetall(transportKey(transportId)).toCompletableFuture()
                .thenApply(fields -> toMapping(transportId, fields));
    }

    /** Ids of the user's transports in the room. */
    public CompletableFuture<Set<String>> userTransports(String roomId, String userId) {
        return redis.smembers(userTransportsKey(roomId, userId)).toCompletableFuture();
    }

    /**
     * For every {@code sluice:worker:<workerId>:transports} set whose worker has no live lease
     * ({@code sluice:worker:<workerId>} is gone: the worker crashed or stopped), removes all its
     * transports' entries and the set; under a live lease, removes the entries an earlier process
     * (another instance id) of the same worker id left. The live process's own entries are left
     * alone, even when its lease comes back between the scan and the removal (the script checks
     * it again).
     */
    public CompletableFuture<SweepResult> sweep() {
        return sweepFrom(ScanCursor.INITIAL, new SweepResult(0, 0));
    }

    private CompletableFuture<SweepResult> sweepFrom(ScanCursor cursor, SweepResult soFar) {
        ScanArgs args = ScanArgs.Builder.matches(WORKER_TRANSPORTS_PATTERN).limit(SCAN_BATCH);
        return redis.scan(cursor, args).toCompletableFuture().thenCompose(page -> {
            CompletableFuture<SweepResult> swept = CompletableFuture.completedFuture(soFar);
            for (String key : page.getKeys()) {
                String workerId = workerIdOf(key);
                if (workerId != null) {
                    swept = swept.thenCompose(total -> sweepWorker(workerId).thenApply(removed -> removed < 0
                            ? total
                            : new SweepResult(total.workersSwept() + 1, total.transportsRemoved() + removed.intValue())));
                }
            }
            return page.isFinished() ? swept : swept.thenCompose(total -> sweepFrom(page, total));
        });
    }

    private CompletableFuture<Long> sweepWorker(String workerId) {
        String[] keys = {workerLeaseKey(workerId), workerTransportsKey(workerId)};
        CompletionStage<Long> removed = redis.eval(TransportMappingsScripts.SWEEP_WORKER, ScriptOutputType.INTEGER,
                keys, workerId, "");
        return removed.toCompletableFuture();
    }

    /** The worker id in {@code sluice:worker:<workerId>:transports}, or null for any other key. */
    static String workerIdOf(String workerTransportsKey) {
        String head = PREFIX + "worker:";
        String tail = ":transports";
        if (!workerTransportsKey.startsWith(head) || !workerTransportsKey.endsWith(tail)) {
            return null;
        }
        String workerId = workerTransportsKey.substring(head.length(), workerTransportsKey.length() - tail.length());
        return workerId.isEmpty() || workerId.indexOf(':') >= 0 ? null : workerId;
    }

    private static Optional<Mapping> toMapping(String transportId, Map<String, String> fields) {
        if (fields == null || !fields.containsKey("worker_id")) {
            return Optional.empty();
        }
        return Optional.of(new Mapping(transportId, fields.get("worker_id"), fields.getOrDefault("router_id", ""),
                fields.getOrDefault("room_id", ""), fields.getOrDefault("user_id", "")));
    }
}
