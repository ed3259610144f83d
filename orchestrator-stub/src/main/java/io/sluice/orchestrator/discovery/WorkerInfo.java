package io.sluice.orchestrator.discovery;

import io.sluice.api.v1.WorkerLoad;
import java.time.Instant;
import java.util.Set;

/**
 * What the directory knows of one live worker (one event loop of a Sluice process), merged from
 * its Redis registry entry, its NATS micro service and its heartbeats.
 *
 * @param instanceId the id of the worker's process (its heartbeat's and registry entry's
 *     {@code instance_id}; empty until one is seen): a new process under the same worker id has
 *     another
 * @param draining the worker drains (heartbeat or registry entry): no new rooms go there
 * @param lastSeen the latest time any source reported the worker
 * @param seenBy the sources that reported it within the lease ({@link WorkerDirectory#LEASE})
 */
public record WorkerInfo(String workerId, String instanceId, String host, String announcedIp, long pid,
        long startedAtMs, WorkerLoad load, boolean draining, Instant lastSeen, Set<Source> seenBy) {

    /** Where a worker was seen. */
    public enum Source {
        /** Its {@code sluice:worker:<workerId>} hash in Redis. */
        REGISTRY,
        /** Its reply to {@code $SRV.PING.sluice-worker}. */
        SERVICE,
        /** Its {@code sluice.heartbeat.<workerId>}. */
        HEARTBEAT
    }

    public WorkerInfo {
        seenBy = Set.copyOf(seenBy);
    }

    /** The placement weight: routers plus transports. */
    public int routersAndTransports() {
        return load.getRouters() + load.getTransports();
    }
}
