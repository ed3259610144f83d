package io.sluice.worker.registry;

/**
 * The Lua scripts behind {@link TransportMappings}. Each runs atomically inside Redis, so that a
 * transport's hash and its two set memberships appear and disappear together, and so that the
 * commands of concurrent callers on one shared lettuce connection never interleave (a MULTI on a
 * shared connection would capture other callers' commands).
 *
 * <p>The scripts build the user and worker set keys from the transport hash's fields. That is
 * fine on a single Redis (as Sluice uses it); Redis Cluster would need hash tags in the keys.
 */
final class TransportMappingsScripts {

    private TransportMappingsScripts() {}

    /** TransportMappings.keyPart in Lua: {@code %} and {@code :} of an id percent-encoded. */
    private static final String KEY_PART = """
            local function part(id) return (string.gsub(id, '[%%:]', function(c) return string.format('%%%02X', string.byte(c)) end)) end
            """;

    /**
     * KEYS: transport hash, user set, worker set. ARGV: transport id, worker id, router id, room
     * id, user id, instance id of the writing process (empty: none). Returns 1, or 0 (and writes
     * nothing) when the transport hash exists already.
     */
    static final String PUT = """
            if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
            redis.call('HSET', KEYS[1], 'worker_id', ARGV[2], 'router_id', ARGV[3], 'room_id', ARGV[4], 'user_id', ARGV[5])
            if ARGV[6] ~= '' then redis.call('HSET', KEYS[1], 'instance_id', ARGV[6]) end
            redis.call('SADD', KEYS[2], ARGV[1])
            redis.call('SADD', KEYS[3], ARGV[1])
            return 1
            """;

    /** KEYS: transport hash. ARGV: transport id. Returns 1 when removed, 0 when there was nothing. */
    static final String REMOVE = KEY_PART + """
            local f = redis.call('HMGET', KEYS[1], 'worker_id', 'room_id', 'user_id')
            if not f[1] then return 0 end
            redis.call('SREM', 'sluice:user:' .. part(f[2]) .. ':' .. part(f[3]) .. ':transports', ARGV[1])
            redis.call('SREM', 'sluice:worker:' .. f[1] .. ':transports', ARGV[1])
            redis.call('DEL', KEYS[1])
            return 1
            """;

    /**
     * KEYS: worker lease hash, worker transport set. ARGV: worker id, instance id of a process
     * known to be dead (empty: none). Reads the lease inside the script, so that a worker that
     * renews it between the caller's scan and this call keeps its entries:
     * <ul>
     *   <li>a lease of the dead instance is deleted first (its process cannot delete it any more);
     *   <li>with no lease, every transport of the worker is removed;
     *   <li>with a lease of a process that writes its instance id, the transports another process
     *       (instance) of the same worker id wrote are removed: a worker restarted under its old id
     *       never makes the dead process's entries look alive;
     *   <li>a lease without instance id keeps everything (-1).
     * </ul>
     * Returns -1 when nothing was to be swept, else the number of transports removed.
     */
    static final String SWEEP_WORKER = KEY_PART + """
            if ARGV[2] ~= '' and redis.call('TYPE', KEYS[1]).ok == 'hash'
                and redis.call('HGET', KEYS[1], 'instance_id') == ARGV[2] then
              redis.call('DEL', KEYS[1])
            end
            local live = false
            if redis.call('TYPE', KEYS[1]).ok == 'hash' then
              live = redis.call('HGET', KEYS[1], 'instance_id')
              if not live then return -1 end
            elseif redis.call('EXISTS', KEYS[1]) == 1 then
              return -1
            end
            local ids = redis.call('SMEMBERS', KEYS[2])
            local removed = 0
            for _, id in ipairs(ids) do
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
            if live and removed == 0 then return -1 end
            return removed
            """;
}
