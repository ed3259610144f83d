package io.sluice.worker.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A real nats-server on a free loopback port, owned by one test class. Restartable on the same port. */
public final class NatsServerProcess extends LoopbackServerProcess {

    private NatsServerProcess() {
        super("nats-server", "nats-server",
                (binary, port, directory) -> List.of(binary.toString(), "-a", "127.0.0.1", "-p", Integer.toString(port)));
    }

    private NatsServerProcess(String configuration, Map<String, String> environment) {
        super("nats-server", "nats-server", (binary, port, directory) -> List.of(binary.toString(),
                "-c", write(directory.resolve("nats-server.conf"), configuration).toString(),
                "-a", "127.0.0.1", "-p", Integer.toString(port)), environment);
    }

    public static NatsServerProcess start() {
        return new NatsServerProcess();
    }

    /** A server run with this configuration text, its {@code $VARIABLES} taken from {@code environment}. */
    public static NatsServerProcess withConfiguration(String configuration, Map<String, String> environment) {
        return new NatsServerProcess(configuration, environment);
    }

    @Override
    public String url() {
        return "nats://127.0.0.1:" + port();
    }

    private static Path write(Path file, String text) {
        try {
            return Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
