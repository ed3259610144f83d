package io.sluice.orchestrator.discovery;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.KeyValue;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.support.JsonParseException;
import io.nats.client.support.JsonParser;
import io.nats.client.support.JsonValue;
import io.sluice.api.v1.Heartbeat;
import io.sluice.api.v1.WorkerLoad;
import io.sluice.orchestrator.client.NoResponders;
import io.sluice.orchestrator.client.SluiceEventSubscriber;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live workers, merged from three sources (docs/protocol.md): the Redis registry
 * ({@code SCAN sluice:worker:*}, {@code HGETALL}), the replies to {@code $SRV.PING.sluice-worker}
 * and the heartbeats on {@code sluice.heartbeat.*}. A worker is live while any source reported it
 * within {@link #LEASE}; it disappears when all fell silent for that long.
 *
 * <p>A crash is noticed sooner (docs/protocol.md, "Failure detection"): when a worker's heartbeat
 * is late by {@link #HEARTBEAT_SILENCE}, or a request to it met "no responders"
 * ({@link #suspect}), the directory probes it: a {@code worker.dump} request and a read of its
 * lease. NATS answering "no responders" (nothing subscribes to the worker's subjects: its process
 * is gone, the server dropped its connection) while the lease has not been renewed for
 * {@link #LEASE_RENEWAL_SILENCE} (so it is not merely cut off from NATS) makes it dead at once. A
 * heartbeat or registry entry with another {@code instance_id} under the same worker id means
 * the earlier process is gone too. A dead process's entries never make it live again.
 *
 * <p>All state belongs to one thread of this directory: heartbeats, ping replies and Redis
 * replies hop onto it; readers get an immutable snapshot. Listeners run on that thread.
 */
public final class WorkerDirectory implements AutoCloseable {

    /** Told when a worker appears or disappears. Runs on the directory's thread; must not block. */
    public interface Listener {
        void onWorkerAppeared(WorkerInfo worker);

        void onWorkerDisappeared(WorkerInfo lastKnown);

        /** The worker started draining: it takes no new rooms, and its rooms should move. */
        default void onWorkerDraining(WorkerInfo worker) {
        }
    }

    /** As the worker's registry lease: silence this long means the worker is gone. */
    public static final Duration LEASE = Duration.ofSeconds(5);
    /** A heartbeat (one a second) this late gets the worker probed. */
    public static final Duration HEARTBEAT_SILENCE = Duration.ofMillis(1200);
    /** A lease renewed within this long keeps a worker that NATS cannot reach alive. */
    public static final Duration LEASE_RENEWAL_SILENCE = Duration.ofMillis(1200);
    static final Duration REFRESH_INTERVAL = Duration.ofSeconds(1);
    static final Duration CHECK_INTERVAL = Duration.ofMillis(250);
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);
    static final String SERVICE_NAME = "sluice-worker";
    private static final Logger log = LoggerFactory.getLogger(WorkerDirectory.class);
    private static final long SCAN_BATCH = 256;

    private final Connection nats;
    private final RedisAsyncCommands<String, String> redis;
    private final InstantSource clock;
    private final ScheduledExecutorService thread;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final SluiceEventSubscriber heartbeats;
    private final Dispatcher pingReplies;
    private final String pingInbox;
    // Touched only on `thread`.
    private final Map<String, WorkerEntry> entries = new HashMap<>();
    /** The instance id of the last process of each worker id found dead. */
    private final Map<String, String> deadInstances = new HashMap<>();
    private volatile List<WorkerInfo> snapshot = List.of();

    public WorkerDirectory(Connection nats, StatefulRedisConnection<String, String> redis, InstantSource clock) {
        this.nats = nats;
        this.redis = redis.async();
        this.clock = clock;
        this.thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread t = new Thread(runnable, "sluice-worker-directory");
            t.setDaemon(true);
            return t;
        });
        this.heartbeats = new SluiceEventSubscriber(nats);
        this.pingReplies = nats.createDispatcher();
        this.pingInbox = nats.createInbox();
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    /** Subscribes to heartbeats and ping replies, then refreshes now and every second. */
    public void start() {
        heartbeats.addHeartbeatListener(heartbeat -> thread.execute(() -> onHeartbeat(heartbeat)));
        heartbeats.followHeartbeats();
        pingReplies.subscribe(pingInbox, message -> {
            Instant receivedAt = clock.instant();
            thread.execute(() -> onPingReply(message, receivedAt));
        });
        thread.scheduleWithFixedDelay(this::refreshQuietly, 0, REFRESH_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        thread.scheduleWithFixedDelay(this::probeSilentWorkers, CHECK_INTERVAL.toMillis(), CHECK_INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * A request to the worker met "no responders" (or failed otherwise): probe it now rather
     * than at its next missed heartbeat. Callable from any thread.
     */
    public void suspect(String workerId) {
        thread.execute(() -> {
            WorkerEntry entry = entries.get(workerId);
            if (entry != null && entry.announced) {
                probe(entry);
            }
        });
    }

    /**
     * Pings the service, reads the registry and completes with the live workers once the registry
     * is merged (ping replies and heartbeats are merged as they arrive).
     */
    public CompletableFuture<List<WorkerInfo>> refresh() {
        nats.publish("$SRV.PING." + SERVICE_NAME, pingInbox, null);
        return scanRegistry(ScanCursor.INITIAL, new ArrayList<>())
                .thenApplyAsync(found -> {
                    found.forEach(this::onRegistryEntry);
                    expire();
                    return snapshot;
                }, thread);
    }

    /** The live workers, least recently started first. */
    public List<WorkerInfo> liveWorkers() {
        return snapshot;
    }

    public Optional<WorkerInfo> find(String workerId) {
        return snapshot.stream().filter(worker -> worker.workerId().equals(workerId)).findFirst();
    }

    /**
     * Counts a router just created on the worker into its load until its next heartbeat or
     * registry entry, so that rooms placed in a burst spread instead of all taking the worker
     * that looked idlest a second ago.
     */
    public CompletableFuture<Void> noteRouterCreated(String workerId) {
        return CompletableFuture.runAsync(() -> {
            WorkerEntry entry = entries.get(workerId);
            if (entry != null) {
                entry.load = entry.load.toBuilder().setRouters(entry.load.getRouters() + 1).build();
                publish();
            }
        }, thread);
    }

    private void refreshQuietly() {
        refresh().exceptionally(failure -> {
            if (!thread.isShutdown()) {
                log.warn("worker registry refresh failed: {}", failure.toString());
                // Redis is down: heartbeats and pings still keep workers live, silence still expires them.
                thread.execute(this::expire);
            }
            return null;
        });
    }

    private CompletableFuture<List<RegistryEntry>> scanRegistry(ScanCursor cursor, List<RegistryEntry> found) {
        ScanArgs args = ScanArgs.Builder.matches(RegistryEntry.KEY_PREFIX + "*").limit(SCAN_BATCH);
        return redis.scan(cursor, args).toCompletableFuture().thenCompose(page -> readEntries(page, found)
                .thenCompose(done -> page.isFinished() ? CompletableFuture.completedFuture(found)
                        : scanRegistry(page, found)));
    }

    private CompletableFuture<Void> readEntries(KeyScanCursor<String> page, List<RegistryEntry> found) {
        List<CompletableFuture<Void>> reads = new ArrayList<>();
        for (String key : page.getKeys()) {
            String workerId = RegistryEntry.workerIdOfKey(key);
            if (workerId == null) {
                continue;
            }
            reads.add(redis.hgetall(key).toCompletableFuture().thenAccept(fields -> {
                // An empty hash: the lease expired between SCAN and HGETALL.
                if (fields != null && !fields.isEmpty()) {
                    synchronized (found) {
                        found.add(RegistryEntry.parse(workerId, fields, clock.instant()));
                    }
                }
            }));
        }
        return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new));
    }

    private void onRegistryEntry(RegistryEntry registry) {
        if (isDeadInstance(registry.workerId(), registry.instanceId())) {
            return;
        }
        WorkerEntry known = entries.get(registry.workerId());
        if (known != null && !known.instanceId.isEmpty() && !registry.instanceId().isEmpty()
                && !known.instanceId.equals(registry.instanceId())) {
            if (registry.updatedAt().isBefore(known.heartbeatSeen)) {
                return; // an older read of the entry the new process overwrote since
            }
            declareDead(known, "its registry entry names another process (instance " + registry.instanceId() + ")");
        }
        WorkerEntry entry = entryFor(registry.workerId());
        entry.instanceId = orElse(registry.instanceId(), entry.instanceId);
        entry.host = orElse(registry.host(), entry.host);
        entry.announcedIp = orElse(registry.announcedIp(), entry.announcedIp);
        entry.pid = registry.pid();
        entry.startedAtMs = registry.startedAtMs();
        entry.registrySeen = latest(entry.registrySeen, registry.updatedAt());
        if (!registry.updatedAt().isBefore(entry.loadAt)) {
            entry.load = registry.load();
            entry.loadAt = registry.updatedAt();
        }
        announceIfNew(entry);
        if (registry.draining()) {
            startDraining(entry);
        }
    }

    private void onHeartbeat(Heartbeat heartbeat) {
        Instant now = clock.instant();
        if (isDeadInstance(heartbeat.getWorkerId(), heartbeat.getInstanceId())) {
            return;
        }
        WorkerEntry known = entries.get(heartbeat.getWorkerId());
        if (known != null && !known.instanceId.isEmpty() && !heartbeat.getInstanceId().isEmpty()
                && !known.instanceId.equals(heartbeat.getInstanceId())) {
            declareDead(known, "a new process (instance " + heartbeat.getInstanceId() + ") beats under its id");
        }
        WorkerEntry entry = entryFor(heartbeat.getWorkerId());
        entry.instanceId = orElse(heartbeat.getInstanceId(), entry.instanceId);
        entry.host = orElse(heartbeat.getHost(), entry.host);
        entry.announcedIp = orElse(heartbeat.getAnnouncedIp(), entry.announcedIp);
        entry.heartbeatSeen = now;
        entry.load = heartbeat.getLoad();
        entry.loadAt = now;
        announceIfNew(entry);
        if (heartbeat.getDraining()) {
            startDraining(entry);
        }
    }

    private void onPingReply(Message message, Instant receivedAt) {
        JsonValue reply;
        try {
            reply = JsonParser.parse(message.getData());
        } catch (JsonParseException e) {
            log.warn("undecodable $SRV.PING reply: {}", e.getMessage());
            return;
        }
        JsonValue name = reply.map == null ? null : reply.map.get("name");
        JsonValue metadata = reply.map == null ? null : reply.map.get("metadata");
        if (name == null || !SERVICE_NAME.equals(name.string) || metadata == null || metadata.map == null) {
            return;
        }
        String workerId = stringOf(metadata.map.get("worker_id"));
        if (workerId.isEmpty()) {
            log.warn("a {} service answered ping without worker_id metadata", SERVICE_NAME);
            return;
        }
        WorkerEntry entry = entryFor(workerId);
        entry.host = orElse(stringOf(metadata.map.get("host")), entry.host);
        entry.announcedIp = orElse(stringOf(metadata.map.get("announced_ip")), entry.announcedIp);
        entry.serviceSeen = receivedAt;
        announceIfNew(entry);
    }

    /** Marks the worker draining (once) and tells the listeners. */
    private void startDraining(WorkerEntry entry) {
        if (entry.draining || !entry.announced) {
            return;
        }
        entry.draining = true;
        publish();
        WorkerInfo info = entry.toInfo(clock.instant());
        log.info("worker draining: {}", info.workerId());
        listeners.forEach(listener -> guarded(() -> listener.onWorkerDraining(info)));
    }

    private boolean isDeadInstance(String workerId, String instanceId) {
        return !instanceId.isEmpty() && instanceId.equals(deadInstances.get(workerId));
    }

    /** Probes every announced worker whose heartbeats stopped (after having come). */
    private void probeSilentWorkers() {
        Instant now = clock.instant();
        for (WorkerEntry entry : List.copyOf(entries.values())) {
            if (entry.announced && !entry.heartbeatSeen.equals(Instant.EPOCH)
                    && Duration.between(entry.heartbeatSeen, now).compareTo(HEARTBEAT_SILENCE) >= 0) {
                probe(entry);
            }
        }
    }

    /**
     * Asks the worker for its dump over NATS and reads its lease's renewal time; both answers
     * come back to {@link #onProbed} on the directory's thread. One probe per worker at a time.
     */
    private void probe(WorkerEntry entry) {
        if (entry.probing) {
            return;
        }
        entry.probing = true;
        String workerId = entry.workerId;
        String instanceId = entry.instanceId;
        CompletableFuture<Boolean> noResponders;
        try {
            CompletableFuture<Message> sent = nats.requestWithTimeout("sluice." + workerId + ".worker.dump",
                    new byte[0], PROBE_TIMEOUT);
            noResponders = sent.orTimeout(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .handle((reply, failure) -> NoResponders.in(sent, reply, failure));
        } catch (RuntimeException e) {
            noResponders = CompletableFuture.completedFuture(false);
        }
        CompletableFuture<Optional<Instant>> leaseRenewed = redis.hmget(RegistryEntry.KEY_PREFIX + workerId,
                        "instance_id", "updated_at_ms").toCompletableFuture()
                .thenApply(fields -> leaseRenewal(fields, instanceId))
                .exceptionally(failure -> Optional.empty());
        noResponders.thenCombine(leaseRenewed, (absent, renewed) -> {
            thread.execute(() -> onProbed(workerId, instanceId, absent, renewed));
            return null;
        });
    }

    /** When the lease was last renewed by the instance, if it still exists and is that instance's. */
    private static Optional<Instant> leaseRenewal(List<KeyValue<String, String>> fields,
            String instanceId) {
        if (fields.size() < 2 || !fields.get(1).hasValue()) {
            return Optional.empty();
        }
        String leaseInstance = fields.get(0).getValueOrElse("");
        if (!instanceId.isEmpty() && !leaseInstance.isEmpty() && !leaseInstance.equals(instanceId)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.ofEpochMilli(Long.parseLong(fields.get(1).getValue().trim())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private void onProbed(String workerId, String instanceId, boolean noResponders, Optional<Instant> leaseRenewed) {
        WorkerEntry entry = entries.get(workerId);
        if (entry == null || !entry.instanceId.equals(instanceId)) {
            return;
        }
        entry.probing = false;
        Instant now = clock.instant();
        boolean leaseFresh = leaseRenewed.isPresent()
                && Duration.between(leaseRenewed.get(), now).compareTo(LEASE_RENEWAL_SILENCE) < 0;
        if (noResponders && !leaseFresh) {
            declareDead(entry, "no responders on NATS and its lease not renewed for "
                    + LEASE_RENEWAL_SILENCE.toMillis() + " ms");
        }
    }

    /** Forgets the worker's process now, and tells the listeners it disappeared. */
    private void declareDead(WorkerEntry entry, String why) {
        entries.remove(entry.workerId, entry);
        if (!entry.instanceId.isEmpty()) {
            deadInstances.put(entry.workerId, entry.instanceId);
        }
        publish();
        if (!entry.announced) {
            return;
        }
        WorkerInfo info = entry.toInfo(clock.instant());
        log.warn("worker dead: {} (instance {}): {}; last heartbeat {}", info.workerId(), info.instanceId(), why,
                entry.heartbeatSeen);
        listeners.forEach(listener -> guarded(() -> listener.onWorkerDisappeared(info)));
    }

    private WorkerEntry entryFor(String workerId) {
        return entries.computeIfAbsent(workerId, WorkerEntry::new);
    }

    private void announceIfNew(WorkerEntry entry) {
        Instant now = clock.instant();
        if (!entry.isLive(now)) {
            return;
        }
        if (!entry.announced) {
            entry.announced = true;
            publish();
            WorkerInfo info = entry.toInfo(now);
            log.info("worker appeared: {} host={} announced_ip={}", info.workerId(), info.host(), info.announcedIp());
            listeners.forEach(listener -> guarded(() -> listener.onWorkerAppeared(info)));
        } else {
            publish();
        }
    }

    private void expire() {
        Instant now = clock.instant();
        List<WorkerInfo> gone = new ArrayList<>();
        entries.values().removeIf(entry -> {
            if (entry.isLive(now)) {
                return false;
            }
            if (entry.announced) {
                gone.add(entry.toInfo(now));
            }
            return true;
        });
        publish();
        for (WorkerInfo info : gone) {
            log.info("worker disappeared: {} (last seen {})", info.workerId(), info.lastSeen());
            listeners.forEach(listener -> guarded(() -> listener.onWorkerDisappeared(info)));
        }
    }

    private void publish() {
        Instant now = clock.instant();
        snapshot = entries.values().stream()
                .filter(entry -> entry.announced && entry.isLive(now))
                .map(entry -> entry.toInfo(now))
                .sorted(Comparator.comparingLong(WorkerInfo::startedAtMs).thenComparing(WorkerInfo::workerId))
                .toList();
    }

    private static void guarded(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.error("worker directory listener failed", e);
        }
    }

    private static String stringOf(JsonValue value) {
        return value == null || value.string == null ? "" : value.string;
    }

    private static String orElse(String value, String fallback) {
        return value == null || value.isEmpty() ? fallback : value;
    }

    private static Instant latest(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    @Override
    public void close() {
        heartbeats.close();
        nats.closeDispatcher(pingReplies);
        thread.shutdownNow();
    }

    /** The mutable record of one worker, on the directory's thread. */
    private static final class WorkerEntry {
        final String workerId;
        String instanceId = "";
        boolean probing;
        boolean draining;
        String host = "";
        String announcedIp = "";
        long pid;
        long startedAtMs;
        WorkerLoad load = WorkerLoad.getDefaultInstance();
        Instant loadAt = Instant.EPOCH;
        Instant registrySeen = Instant.EPOCH;
        Instant serviceSeen = Instant.EPOCH;
        Instant heartbeatSeen = Instant.EPOCH;
        boolean announced;

        WorkerEntry(String workerId) {
            this.workerId = workerId;
        }

        Instant lastSeen() {
            return latest(registrySeen, latest(serviceSeen, heartbeatSeen));
        }

        boolean isLive(Instant now) {
            return recent(lastSeen(), now);
        }

        WorkerInfo toInfo(Instant now) {
            EnumSet<WorkerInfo.Source> seenBy = EnumSet.noneOf(WorkerInfo.Source.class);
            if (recent(registrySeen, now)) {
                seenBy.add(WorkerInfo.Source.REGISTRY);
            }
            if (recent(serviceSeen, now)) {
                seenBy.add(WorkerInfo.Source.SERVICE);
            }
            if (recent(heartbeatSeen, now)) {
                seenBy.add(WorkerInfo.Source.HEARTBEAT);
            }
            return new WorkerInfo(workerId, instanceId, host, announcedIp, pid, startedAtMs, load, draining, lastSeen(),
                    seenBy);
        }

        private static boolean recent(Instant seen, Instant now) {
            return Duration.between(seen, now).compareTo(LEASE) < 0;
        }
    }
}
