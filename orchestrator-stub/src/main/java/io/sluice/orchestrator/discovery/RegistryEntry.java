package io.sluice.orchestrator.discovery;

import io.sluice.api.v1.WorkerLoad;
import java.time.Instant;
import java.util.Map;

/** A parsed {@code sluice:worker:<workerId>} hash (docs/protocol.md, "Redis keys"). */
record RegistryEntry(String workerId, String instanceId, String host, String announcedIp, long pid, long startedAtMs,
        Instant updatedAt, WorkerLoad load, boolean draining) {

    static final String KEY_PREFIX = "sluice:worker:";

    /**
     * The worker id of a lease key, or null for other keys that share the prefix (such as
     * {@code sluice:worker:<workerId>:transports}): worker ids never contain a colon.
     */
    static String workerIdOfKey(String key) {
        if (!key.startsWith(KEY_PREFIX)) {
            return null;
        }
        String workerId = key.substring(KEY_PREFIX.length());
        return workerId.isEmpty() || workerId.indexOf(':') >= 0 ? null : workerId;
    }

    /**
     * Parses the hash; a missing or malformed number reads as 0, and a missing update time as
     * {@code readAt}, so that a half-written entry still counts as a sighting of the worker.
     */
    static RegistryEntry parse(String workerId, Map<String, String> fields, Instant readAt) {
        long updatedAtMs = number(fields, "updated_at_ms");
        Instant updatedAt = updatedAtMs > 0 && updatedAtMs < readAt.toEpochMilli()
                ? Instant.ofEpochMilli(updatedAtMs) : readAt;
        WorkerLoad load = WorkerLoad.newBuilder()
                .setRouters((int) number(fields, "routers"))
                .setTransports((int) number(fields, "transports"))
                .setProducers((int) number(fields, "producers"))
                .setConsumers((int) number(fields, "consumers"))
                .setLoopUtilization(decimal(fields, "loop_utilization"))
                .build();
        return new RegistryEntry(workerId, fields.getOrDefault("instance_id", ""), fields.getOrDefault("host", ""), fields.getOrDefault("announced_ip", ""),
                number(fields, "pid"), number(fields, "started_at_ms"), updatedAt, load,
                "1".equals(fields.get("draining")));
    }

    private static long number(Map<String, String> fields, String name) {
        try {
            return Long.parseLong(fields.getOrDefault(name, "0").trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static double decimal(Map<String, String> fields, String name) {
        try {
            return Double.parseDouble(fields.getOrDefault(name, "0").trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
