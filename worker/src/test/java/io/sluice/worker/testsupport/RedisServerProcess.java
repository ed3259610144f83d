package io.sluice.worker.testsupport;

import java.util.ArrayList;
import java.util.List;

/** A real redis-server on a free loopback port, persisting nothing, restartable on the same port. */
public final class RedisServerProcess extends LoopbackServerProcess {

    private RedisServerProcess(List<String> extraArguments) {
        super("redis-server", "redis-server", (binary, port, directory) -> {
            List<String> command = new ArrayList<>(List.of(binary.toString(), "--bind", "127.0.0.1", "--port",
                    Integer.toString(port), "--save", "", "--appendonly", "no", "--dir", directory.toString()));
            extraArguments.forEach(argument -> command.add(argument.replace(PORT, Integer.toString(port))));
            return command;
        });
    }

    /** Stands for the server's port in {@link #withArguments}. */
    public static final String PORT = "{port}";

    public static RedisServerProcess start() {
        return new RedisServerProcess(List.of());
    }

    /**
     * A server with more arguments after the usual ones (later ones win: {@code --port 0
     * --tls-port {port}} moves it to TLS); {@link #PORT} in an argument becomes the port.
     */
    public static RedisServerProcess withArguments(String... arguments) {
        return new RedisServerProcess(List.of(arguments));
    }

    @Override
    public String url() {
        return "redis://127.0.0.1:" + port();
    }
}
