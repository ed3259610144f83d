package io.sluice.orchestrator.testsupport;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.sluice.worker.testsupport.NatsServerProcess;
import io.sluice.worker.testsupport.RedisServerProcess;

/**
 * A real nats-server and redis-server on free ports, with one NATS connection and one Redis
 * connection to them, for a test class to start once and close after its tests.
 */
public final class MessagingServers implements AutoCloseable {

    private NatsServerProcess natsServer;
    private RedisServerProcess redisServer;
    private Connection nats;
    private RedisClient redisClient;
    private StatefulRedisConnection<String, String> redis;

    private MessagingServers() {
    }

    /** Starts both servers and connects to them; what started is closed again if a step fails. */
    public static MessagingServers start() throws Exception {
        MessagingServers servers = new MessagingServers();
        try {
            servers.natsServer = NatsServerProcess.start();
            servers.redisServer = RedisServerProcess.start();
            servers.nats = Nats.connect(servers.natsServer.url());
            servers.redisClient = RedisClient.create(servers.redisServer.url());
            servers.redis = servers.redisClient.connect();
        } catch (Exception | Error e) {
            servers.close();
            throw e;
        }
        return servers;
    }

    public NatsServerProcess natsServer() {
        return natsServer;
    }

    public RedisServerProcess redisServer() {
        return redisServer;
    }

    public Connection nats() {
        return nats;
    }

    public StatefulRedisConnection<String, String> redis() {
        return redis;
    }

    /** Closes the connections, then the servers. */
    @Override
    public void close() throws Exception {
        if (redis != null) {
            redis.close();
        }
        if (redisClient != null) {
            redisClient.shutdown();
        }
        if (nats != null) {
            nats.close();
        }
        if (redisServer != null) {
            redisServer.close();
        }
        if (natsServer != null) {
            natsServer.close();
        }
    }
}
