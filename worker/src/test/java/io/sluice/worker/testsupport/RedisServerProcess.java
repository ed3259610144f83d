package io.sluice.worker.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A real redis-server on a free loopback port, persisting nothing, restartable on the same port. */
public final class RedisServerProcess implements AutoCloseable {

    private final int port;
    private final ManagedProcess process;

    private RedisServerProcess(Path binary, int port, Path dir) {
        this.port = port;
        this.process = new ManagedProcess(
                List.of(binary.toString(), "--bind", "127.0.0.1", "--port", Integer.toString(port),
                        "--save", "", "--appendonly", "no", "--dir", dir.toString()),
                dir.resolve("redis-server-" + port + ".log"));
    }

    public static RedisServerProcess start() {
        Path binary = ExternalTool.require("redis-server", "redis-server");
        try {
            Path dir = Files.createTempDirectory("sluice-redis-");
            RedisServerProcess server = new RedisServerProcess(binary, FreePort.tcp(), dir);
            server.startAgain();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void startAgain() {
        process.start();
        process.awaitTcpPort(port, Duration.ofSeconds(10));
    }

    public void stop() {
        process.stop();
    }

    public void kill() {
        process.kill();
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        process.stop();
    }
}
