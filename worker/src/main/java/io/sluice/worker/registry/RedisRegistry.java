package io.sluice.worker.registry;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * once when it starts and once when it ends.
 */
public final class RedisRegistry implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisRegistry.class);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);

    // HSET then PEXPIRE in one step, so that no entry is ever left without its lease.
    private static final String RENEW_SCRIPT =
            "redis.call('HSET', KEYS[1], unpack(ARGV, 2)) redis.call('PEXPIRE', KEYS[1], ARGV[1]) return 1";

    private final String url;
    private final Executor io;
    private final ClientResources resources;
    private final RedisClient client;
    private final RedisURI uri;
    private final Set<String> leaseKeys = ConcurrentHashMap.newKeySet();
    // Touched only on the io thread.
    private final Map<String, List<String>> awaitingConnection = new HashMap<>();
    private final AtomicBoolean connecting = new AtomicBoolean();
    private final AtomicBoolean outage = new AtomicBoolean();
    private volatile StatefulRedisConnection<String, String> connection;
    private volatile boolean closed;

    private RedisRegistry(String url, Executor io) {
        this.url = url;
        this.io = io;
        this.uri = RedisURI.create(url);
        this.resources = ClientResources.builder()
                .ioThreadPoolSize(1)
                .computationThreadPoolSize(1)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .build();
        this.client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .socketOptions(SocketOptions.builder().connectTimeout(COMMAND_TIMEOUT).build())
                .build());
    }

    /**
     * A registry on {@code url}; Redis calls start on {@code io} (a thread that is not a loop).
     * Returns at once, whether Redis is up or not.
     */
    public static RedisRegistry start(String url, Executor io) {
        RedisRegistry registry = new RedisRegistry(url, io);
        io.execute(registry::connectIfNeeded);
        return registry;
    }

    public WorkerLease lease(String workerId, String host, String announcedIp, long pid, long startedAtMs) {
        WorkerLease lease = new WorkerLease(this, workerId, host, announcedIp, pid, startedAtMs);
        leaseKeys.add(lease.key());
        return lease;
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
                io.execute(() -> writeAwaiting(connected));
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
        }
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
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
