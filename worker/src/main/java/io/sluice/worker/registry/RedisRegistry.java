package io.sluice.worker.registry;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.sluice.api.bus.Redaction;
import io.sluice.api.bus.RedisSecurity;
import java.io.IOException;
import java.net.SocketAddress;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's Redis client for worker leases. It never blocks a loop or the start of the
 * process: it connects in the background, writes with the async API and a 2 s timeout, and while
 * Redis is away it drops writes (the next heartbeat rewrites everything). An outage is logged
 * once when it starts and once when it ends, with the URL's credentials hidden.
 */
public final class RedisRegistry implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisRegistry.class);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);

    // HSET then PEXPIRE in one step, so that no entry is ever left without its lease.
    private static final String RENEW_SCRIPT =
            "redis.call('HSET', KEYS[1], unpack(ARGV, 2)) redis.call('PEXPIRE', KEYS[1], ARGV[1]) return 1";

    private final String url;
    /** This process's instance id (epoch), in its leases and transport mappings. */
    private final String instanceId = UUID.randomUUID().toString();
    private final Executor io;
    private final ClientResources resources;
    private final RedisClient client;
    private final RedisURI uri;
    private final Set<String> leaseKeys = ConcurrentHashMap.newKeySet();
    /** Mappings of this process's live transports, written again whenever Redis comes back. */
    private final Map<String, TransportMappings.Mapping> liveTransports = new ConcurrentHashMap<>();
    // Touched only on the io thread.
    private final Map<String, List<String>> awaitingConnection = new HashMap<>();
    private final AtomicBoolean connecting = new AtomicBoolean();
    private final AtomicBoolean outage = new AtomicBoolean();
    private volatile StatefulRedisConnection<String, String> connection;
    private volatile boolean closed;

    private RedisRegistry(String url, RedisSecurity security, Executor io) throws IOException {
        this.url = Redaction.redact(url);
        this.io = io;
        this.uri = security.uri(url);
        this.resources = ClientResources.builder()
                .ioThreadPoolSize(1)
                .computationThreadPoolSize(1)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .build();
        this.client = RedisClient.create(resources, uri);
        // A reconnect after a quick Redis restart need not fail any write first (no outage is seen),
        // yet a Redis that persists nothing has lost every mapping: write them again on each connect.
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> handler, SocketAddress address) {
                if (connection != null) {
                    io.execute(RedisRegistry.this::restoreTransports);
                }
            }
        });
        ClientOptions.Builder options = ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .socketOptions(SocketOptions.builder().connectTimeout(COMMAND_TIMEOUT).build());
        try {
            client.setOptions(security.applyTo(options).build());
        } catch (GeneralSecurityException e) {
            client.shutdown();
            resources.shutdown();
            throw new IOException("Redis TLS files do not load: " + e.getMessage(), e);
        }
    }

    /**
     * A registry on {@code url} with the given credentials; Redis calls start on {@code io} (a
     * thread that is not a loop). Returns at once, whether Redis is up or not; fails only when the
     * TLS files do not load.
     */
    public static RedisRegistry start(String url, RedisSecurity security, Executor io) throws IOException {
        RedisRegistry registry = new RedisRegistry(url, security, io);
        io.execute(registry::connectIfNeeded);
        return registry;
    }

    /**
     * A random id of this process, written into its leases ({@code instance_id}) and transport
     * mappings: a process restarted under the same {@code WORKER_ID} has another, so the
     * entries of the dead one are told apart from the new one's and swept
     * (docs/protocol.md, "Redis keys").
     */
    public String instanceId() {
        return instanceId;
    }

    public WorkerLease lease(String workerId, String host, String announcedIp, long pid, long startedAtMs) {
        WorkerLease lease = new WorkerLease(this, workerId, instanceId, host, announcedIp, pid, startedAtMs);
        leaseKeys.add(lease.key());
        return lease;
    }

    /**
     * Writes a transport's user-to-transport mapping ({@link TransportMappings#put}); fails at once
     * while Redis is away. Never blocks: callable from a loop.
     */
    public CompletableFuture<Void> putTransport(TransportMappings.Mapping mapping) {
        liveTransports.put(mapping.transportId(), mapping);
        StatefulRedisConnection<String, String> current = connection;
        if (current == null || closed) {
            io.execute(this::connectIfNeeded);
            return CompletableFuture.failedFuture(new IllegalStateException("Redis at " + url + " is not connected"));
        }
        return new TransportMappings(current, instanceId).put(mapping.transportId(), mapping.workerId(), mapping.routerId(),
                mapping.roomId(), mapping.userId());
    }

    /** Removes a transport's mapping; fails at once while Redis is away (the sweep removes it later). */
    public CompletableFuture<Boolean> removeTransport(String transportId) {
        liveTransports.remove(transportId);
        StatefulRedisConnection<String, String> current = connection;
        if (current == null || closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("Redis at " + url + " is not connected"));
        }
        return new TransportMappings(current).remove(transportId);
    }

    /**
     * Writes again the mapping of every live transport: after Redis came back (a restarted Redis
     * that persists nothing has lost them) or connected late. A transport closed meanwhile is
     * removed again, so nothing outlives it.
     */
    private void restoreTransports() {
        StatefulRedisConnection<String, String> current = connection;
        if (current == null || closed || liveTransports.isEmpty()) {
            return;
        }
        TransportMappings mappings = new TransportMappings(current, instanceId);
        for (TransportMappings.Mapping mapping : List.copyOf(liveTransports.values())) {
            mappings.put(mapping.transportId(), mapping.workerId(), mapping.routerId(), mapping.roomId(), mapping.userId())
                    .handle((written, failure) -> liveTransports.containsKey(mapping.transportId())
                            ? null : mappings.remove(mapping.transportId()));
        }
        log.info("Redis at {}: transport mappings of {} live transports written again", url, liveTransports.size());
    }

    /**
     * Removes the transport mappings of workers whose lease expired (crashed or stopped processes,
     * here or elsewhere); a no-op while Redis is away. Logs what it removed.
     */
    public CompletableFuture<TransportMappings.SweepResult> sweepTransports() {
        StatefulRedisConnection<String, String> current = connection;
        if (current == null || closed) {
            return CompletableFuture.completedFuture(new TransportMappings.SweepResult(0, 0));
        }
        return new TransportMappings(current).sweep().whenComplete((result, failure) -> {
            if (result != null && result.transportsRemoved() > 0) {
                log.info("swept {} transport mappings of {} workers whose lease expired", result.transportsRemoved(),
                        result.workersSwept());
            }
        });
    }

    void renew(String key, long ttlMs, List<String> fields) {
        List<String> args = new ArrayList<>(fields.size() + 1);
        args.add(Long.toString(ttlMs));
        args.addAll(fields);
        io.execute(() -> {
            StatefulRedisConnection<String, String> current = connection;
            if (closed) {
                return;
            }
            if (current == null) {
                awaitingConnection.put(key, args);
                connectIfNeeded();
                return;
            }
            write(current, key, args);
        });
    }

    private void write(StatefulRedisConnection<String, String> current, String key, List<String> args) {
        current.async()
                .<Long>eval(RENEW_SCRIPT, ScriptOutputType.INTEGER, new String[] {key}, args.toArray(String[]::new))
                .whenComplete((ok, failure) -> report(failure));
    }

    // The first connection can take a while; the entries written meanwhile go out as soon as it is up.
    private void writeAwaiting(StatefulRedisConnection<String, String> current) {
        if (closed) {
            return;
        }
        awaitingConnection.forEach((key, args) -> write(current, key, args));
        awaitingConnection.clear();
    }

    private void connectIfNeeded() {
        if (closed || connection != null || !connecting.compareAndSet(false, true)) {
            return;
        }
        client.connectAsync(StringCodec.UTF8, uri).whenComplete((connected, failure) -> {
            connecting.set(false);
            if (failure != null) {
                report(failure);
            } else if (closed) {
                connected.closeAsync();
            } else {
                connection = connected;
                io.execute(() -> {
                    writeAwaiting(connected);
                    restoreTransports();
                });
            }
        });
    }

    private void report(Throwable failure) {
        if (failure != null) {
            if (outage.compareAndSet(false, true)) {
                log.warn("Redis at {} is unreachable ({}); serving on, the registry entry returns with Redis",
                        url, rootMessage(failure));
            }
        } else if (outage.compareAndSet(true, false)) {
            log.info("Redis at {} is back; registry entry restored", url);
            restoreTransports();
        }
    }

    /** Whether Redis is connected and took the last write: the leases are held (for /readyz). */
    public boolean reachable() {
        return !closed && connection != null && !outage.get();
    }

    /**
     * Deletes every lease at once (a clean shutdown leaves no entry to expire), waiting at most
     * 2 s for Redis, then closes the client.
     */
    @Override
    public void close() {
        closed = true;
        StatefulRedisConnection<String, String> current = connection;
        if (current != null && !leaseKeys.isEmpty()) {
            try {
                current.async().del(leaseKeys.toArray(String[]::new)).toCompletableFuture()
                        .get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                log.warn("could not delete the registry entries {} ({}); they expire in 5 s", leaseKeys, rootMessage(e));
            }
        }
        CompletableFuture<Void> closing = current == null ? CompletableFuture.completedFuture(null) : current.closeAsync();
        closing.orTimeout(1, TimeUnit.SECONDS).exceptionally(e -> null).join();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + Redaction.redact(root.getMessage());
    }
}
