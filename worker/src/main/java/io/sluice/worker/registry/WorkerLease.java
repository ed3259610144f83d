package io.sluice.worker.registry;

import io.sluice.api.v1.WorkerLoad;
import java.util.ArrayList;
import java.util.List;

/**
 * One worker's entry in Redis: the hash {@code sluice:worker:<workerId>} (docs/protocol.md) with
 * a 5 s lease. Each heartbeat rewrites every field and the TTL, so the entry comes back by itself
 * after Redis returns; after a crash it expires.
 */
public final class WorkerLease {

    public static final long TTL_MS = 5_000;

    private final RedisRegistry registry;
    private final String key;
    private final String workerId;
    private final String instanceId;
    private final String host;
    private final String announcedIp;
    private final long pid;
    private final long startedAtMs;

    WorkerLease(RedisRegistry registry, String workerId, String instanceId, String host, String announcedIp, long pid,
            long startedAtMs) {
        this.registry = registry;
        this.key = key(workerId);
        this.workerId = workerId;
        this.instanceId = instanceId;
        this.host = host;
        this.announcedIp = announcedIp;
        this.pid = pid;
        this.startedAtMs = startedAtMs;
    }

    public static String key(String workerId) {
        return "sluice:worker:" + workerId;
    }

    public String key() {
        return key;
    }

    /** The process's instance id ({@link RedisRegistry#instanceId()}). */
    public String instanceId() {
        return instanceId;
    }

    /** Writes the entry with this load and renews its TTL; never blocks (called on the loop). */
    public void renew(WorkerLoad load, boolean draining, long nowMs) {
        registry.renew(key, TTL_MS, fields(load, draining, nowMs));
    }

    List<String> fields(WorkerLoad load, boolean draining, long nowMs) {
        List<String> fields = new ArrayList<>(26);
        add(fields, "id", workerId);
        add(fields, "instance_id", instanceId);
        add(fields, "host", host);
        add(fields, "announced_ip", announcedIp);
        add(fields, "pid", Long.toString(pid));
        add(fields, "started_at_ms", Long.toString(startedAtMs));
        add(fields, "updated_at_ms", Long.toString(nowMs));
        add(fields, "routers", Integer.toUnsignedString(load.getRouters()));
        add(fields, "transports", Integer.toUnsignedString(load.getTransports()));
        add(fields, "producers", Integer.toUnsignedString(load.getProducers()));
        add(fields, "consumers", Integer.toUnsignedString(load.getConsumers()));
        add(fields, "loop_utilization", Double.toString(load.getLoopUtilization()));
        add(fields, "draining", draining ? "1" : "0");
        return fields;
    }

    private static void add(List<String> fields, String name, String value) {
        fields.add(name);
        fields.add(value);
    }
}
