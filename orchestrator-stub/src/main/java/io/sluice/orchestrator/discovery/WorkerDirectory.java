package io.sluice.orchestrator.discovery;

import io.lettuce.core.KeyScanCursor;
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
 * within {@link #LEASE}; it disappears when all fell silent for that long (a crash is noticed
 * within about 5 s, as the registry lease expires).
 *
 * <p>All state belongs to one thread of this directory: heartbeats, ping replies and Redis
 * replies hop onto it; readers get an immutable snapshot. Listeners run on that thread.
 */
public final class WorkerDirectory implements AutoCloseable {

    /** Told when a worker appears or disappears. Runs on the directory's thread; must not block. */
    public interface Listener {
        void onWorkerAppeared(WorkerInfo worker);

        void onWorkerDisappeared(WorkerInfo lastKnown);
    }

    /** As the worker's registry lease: silence this long means the worker is gone. */
    public static final Duration LEASE = Duration.ofSeconds(5);
    static final Duration REFRESH_INTERVAL = Duration.ofSeconds(1);
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
        WorkerEntry entry = entryFor(registry.workerId());
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
    }

    private void onHeartbeat(Heartbeat heartbeat) {
        Instant now = clock.instant();
        WorkerEntry entry = entryFor(heartbeat.getWorkerId());
        entry.host = orElse(heartbeat.getHost(), entry.host);
        entry.announcedIp = orElse(heartbeat.getAnnouncedIp(), entry.announcedIp);
        entry.heartbeatSeen = now;
        entry.load = heartbeat.getLoad();
        entry.loadAt = now;
        announceIfNew(entry);
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
            return new WorkerInfo(workerId, host, announcedIp, pid, startedAtMs, load, lastSeen(), seenBy);
        }

        private static boolean recent(Instant seen, Instant now) {
            return Duration.between(seen, now).compareTo(LEASE) < 0;
        }
    }
}
