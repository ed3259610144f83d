package io.sluice.orchestrator.placement;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Room assignments in Redis (docs/protocol.md, "Redis keys"): one hash per room,
 * {@code sluice:room:<roomId>} with {@code worker_id}, {@code router_id} and
 * {@code created_at_ms}, no TTL. Claims and releases are Lua scripts, so two orchestrators placing
 * the same room at once agree on one router, and a release never deletes a newer placement.
 */
public final class RedisRoomAssignmentStore implements RoomAssignmentStore {

    private static final String PREFIX = "sluice:room:";

    /** KEYS[1] the room's hash; ARGV worker id, router id, created at. Returns the standing worker and router ids. */
    private static final String CLAIM = """
            local worker = redis.call('HGET', KEYS[1], 'worker_id')
            if worker then
              return {worker, redis.call('HGET', KEYS[1], 'router_id')}
            end
            redis.call('HSET', KEYS[1], 'worker_id', ARGV[1], 'router_id', ARGV[2], 'created_at_ms', ARGV[3])
            return {ARGV[1], ARGV[2]}
            """;

    /** KEYS[1] the room's hash; ARGV[1] the router id it must still name. Returns 1 when deleted. */
    private static final String RELEASE = """
            if redis.call('HGET', KEYS[1], 'router_id') == ARGV[1] then
              return redis.call('DEL', KEYS[1])
            end
            return 0
            """;

    private final RedisAsyncCommands<String, String> redis;
    private final InstantSource clock;

    /** Uses the caller's connection (shared, closed by the caller). */
    public RedisRoomAssignmentStore(StatefulRedisConnection<String, String> connection, InstantSource clock) {
        this.redis = connection.async();
        this.clock = clock;
    }

    public static String roomKey(String roomId) {
        return PREFIX + roomId;
    }

    @Override
    public CompletableFuture<Optional<RoomAssignment>> find(String roomId) {
        return redis.hgetall(roomKey(roomId)).toCompletableFuture().thenApply(fields -> toAssignment(roomId, fields));
    }

    @Override
    public CompletableFuture<RoomAssignment> claim(RoomAssignment assignment) {
        return redis.<List<String>>eval(CLAIM, ScriptOutputType.MULTI, new String[] {roomKey(assignment.roomId())},
                        assignment.workerId(), assignment.routerId(), Long.toString(clock.millis()))
                .toCompletableFuture()
                .thenApply(standing -> new RoomAssignment(assignment.roomId(), standing.get(0), standing.get(1)));
    }

    @Override
    public CompletableFuture<Boolean> release(String roomId, String routerId) {
        return redis.<Long>eval(RELEASE, ScriptOutputType.INTEGER, new String[] {roomKey(roomId)}, routerId)
                .toCompletableFuture()
                .thenApply(deleted -> deleted == 1L);
    }

    private static Optional<RoomAssignment> toAssignment(String roomId, Map<String, String> fields) {
        if (fields == null || !fields.containsKey("worker_id") || !fields.containsKey("router_id")) {
            return Optional.empty();
        }
        return Optional.of(new RoomAssignment(roomId, fields.get("worker_id"), fields.get("router_id")));
    }
}
