package io.sluice.orchestrator.discovery;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes a dead worker's Redis entries as soon as the {@link WorkerDirectory} finds it dead
 * (docs/protocol.md, "Redis keys"): its transport mappings ({@code sluice:transport:<id>}, their
 * user sets' members, {@code sluice:worker:<workerId>:transports}) and its lease when it still
 * names the dead process. The entries a newer process of the same worker id wrote (another
 * {@code instance_id}) are kept. Register it as a directory listener.
 */
public final class DeadWorkerSweep implements WorkerDirectory.Listener {

    /**
     * KEYS: the worker's lease, its transport set. ARGV: worker id, the dead process's instance
     * id (empty when unknown). The same rules as the worker's own periodic sweep: the dead
     * instance's lease goes; with no lease left, every transport of the worker goes; under a
     * newer process's lease, only the transports other instances wrote go. Returns the number
     * of transports removed.
     */
    private static final String SWEEP = """
            -- Ids in keys are percent-encoded for % and : (TransportMappings.keyPart in the worker).
            local function part(id) return (string.gsub(id, '[%%:]', function(c) return string.format('%%%02X', string.byte(c)) end)) end
            if ARGV[2] ~= '' and redis.call('TYPE', KEYS[1]).ok == 'hash'
                and redis.call('HGET', KEYS[1], 'instance_id') == ARGV[2] then
              redis.call('DEL', KEYS[1])
            end
            local live = false
            if redis.call('TYPE', KEYS[1]).ok == 'hash' then
              live = redis.call('HGET', KEYS[1], 'instance_id')
              if not live then return 0 end
            elseif redis.call('EXISTS', KEYS[1]) == 1 then
              return 0
            end
            local removed = 0
            for _, id in ipairs(redis.call('SMEMBERS', KEYS[2])) do
              local key = 'sluice:transport:' .. id
              local f = redis.call('HMGET', key, 'worker_id', 'room_id', 'user_id', 'instance_id')
              if not f[1] then
                redis.call('SREM', KEYS[2], id)
              elseif f[1] == ARGV[1] and (not live or f[4] ~= live) then
                redis.call('SREM', 'sluice:user:' .. part(f[2]) .. ':' .. part(f[3]) .. ':transports', id)
                redis.call('SREM', KEYS[2], id)
                redis.call('DEL', key)
                removed = removed + 1
              end
            end
            if redis.call('SCARD', KEYS[2]) == 0 then redis.call('DEL', KEYS[2]) end
            return removed
            """;

    private static final Logger log = LoggerFactory.getLogger(DeadWorkerSweep.class);

    private final RedisAsyncCommands<String, String> redis;
    private final InstantSource clock;

    /** Uses the caller's connection (shared, closed by the caller). */
    public DeadWorkerSweep(StatefulRedisConnection<String, String> connection, InstantSource clock) {
        this.redis = connection.async();
        this.clock = clock;
    }

    /** Sweeps the entries of the worker's process {@code instanceId}; answers how many transports went. */
    public CompletableFuture<Long> sweep(String workerId, String instanceId) {
        String[] keys = {RegistryEntry.KEY_PREFIX + workerId, RegistryEntry.KEY_PREFIX + workerId + ":transports"};
        return redis.<Long>eval(SWEEP, ScriptOutputType.INTEGER, keys, workerId, instanceId).toCompletableFuture();
    }

    @Override
    public void onWorkerAppeared(WorkerInfo worker) {
        // Nothing of a live worker is swept.
    }

    @Override
    public void onWorkerDisappeared(WorkerInfo lastKnown) {
        Instant started = clock.instant();
        sweep(lastKnown.workerId(), lastKnown.instanceId()).whenComplete((removed, failure) -> {
            if (failure != null) {
                log.warn("worker {}: its Redis entries were not swept ({}); the workers' periodic sweep will",
                        lastKnown.workerId(), failure.toString());
            } else {
                log.info("worker {} (instance {}): swept {} transport mappings in {} ms", lastKnown.workerId(),
                        lastKnown.instanceId(), removed, Duration.between(started, clock.instant()).toMillis());
            }
        });
    }
}
