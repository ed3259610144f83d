package io.sluice.cli;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code sluice}: the operator's command line (docs/operations.md). Each subcommand connects,
 * does one thing and exits; tables for people, {@code --json} for scripts.
 */
@Command(name = "sluice", mixinStandardHelpOptions = true, version = "sluice 0.1.0",
        description = "Looks at Sluice workers over NATS and Redis.",
        subcommands = {WorkersCommand.class, RoutersCommand.class, DumpCommand.class, EventsCommand.class})
public final class SluiceCli {

    @Option(names = "--nats-url", scope = ScopeType.INHERIT, defaultValue = "${env:NATS_URL:-nats://127.0.0.1:4222}",
            description = "NATS server (env NATS_URL, default ${DEFAULT-VALUE}).")
    String natsUrl;

    @Option(names = "--redis-url", scope = ScopeType.INHERIT, defaultValue = "${env:REDIS_URL:-redis://127.0.0.1:6379}",
            description = "Redis of the worker registry (env REDIS_URL, default ${DEFAULT-VALUE}).")
    String redisUrl;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "One JSON object per line instead of a table.")
    boolean json;

    @Option(names = "--timeout", scope = ScopeType.INHERIT, defaultValue = "5",
            description = "Seconds to wait for NATS and for each reply (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with one-line errors, as {@link #main} runs it. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new SluiceCli());
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("sluice: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        });
        return commandLine;
    }

    Duration timeout() {
        return Duration.ofSeconds(timeoutSeconds);
    }

    Connection connectNats() throws IOException, InterruptedException {
        return Nats.connect(Options.builder().server(natsUrl).connectionName("sluice-cli")
                .connectionTimeout(timeout()).errorListener(new QuietErrorListener()).build());
    }

    StatefulRedisConnection<String, String> connectRedis(RedisClient client) {
        return client.connect();
    }

    static PrintWriter out(CommandLine.Model.CommandSpec spec) {
        return spec.commandLine().getOut();
    }

    /** jnats reports every failure on its own too; the command's one-line error is enough. */
    private static final class QuietErrorListener implements io.nats.client.ErrorListener {
    }
}
