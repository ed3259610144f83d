package io.sluice.worker.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A real nats-server on a free loopback port, owned by one test class. Restartable on the same port. */
public final class NatsServerProcess implements AutoCloseable {

    private final int port;
    private final ManagedProcess process;

    private NatsServerProcess(Path binary, int port, Path dir) {
        this.port = port;
        this.process = new ManagedProcess(
                List.of(binary.toString(), "-a", "127.0.0.1", "-p", Integer.toString(port)),
                dir.resolve("nats-server-" + port + ".log"));
    }

    public static NatsServerProcess start() {
        Path binary = ExternalTool.require("nats-server", "nats-server");
        try {
            Path dir = Files.createTempDirectory("sluice-nats-");
            NatsServerProcess server = new NatsServerProcess(binary, FreePort.tcp(), dir);
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
        return "nats://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        process.stop();
    }
}
