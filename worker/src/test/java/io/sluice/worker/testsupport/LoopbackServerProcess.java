package io.sluice.worker.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real server binary (nats-server, redis-server) on a free 127.0.0.1 port, with its own temporary
 * directory and log, that a test can stop, kill with SIGKILL and start again on the same port.
 */
public abstract class LoopbackServerProcess implements AutoCloseable {

    private final int port;
    private final ManagedProcess process;

    /** The server's command line. */
    @FunctionalInterface
    protected interface CommandLine {
        List<String> of(Path binary, int port, Path directory);
    }

    protected LoopbackServerProcess(String binaryName, String debianPackage, CommandLine command) {
        this(binaryName, debianPackage, command, Map.of());
    }

    /** As above, with these variables added to the server's environment. */
    protected LoopbackServerProcess(String binaryName, String debianPackage, CommandLine command,
            Map<String, String> environment) {
        Path binary = ExternalTool.require(binaryName, debianPackage);
        Path directory;
        try {
            directory = Files.createTempDirectory("sluice-" + binaryName + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.port = FreePort.tcp();
        this.process = new ManagedProcess(command.of(binary, port, directory), environment,
                directory.resolve(binaryName + "-" + port + ".log"));
        startAgain();
    }

    public final void startAgain() {
        process.start();
        process.awaitTcpPort(port, Duration.ofSeconds(30));
    }

    public final void stop() {
        process.stop();
    }

    public final void kill() {
        process.kill();
    }

    public final int port() {
        return port;
    }

    public abstract String url();

    @Override
    public final void close() {
        process.stop();
    }
}
