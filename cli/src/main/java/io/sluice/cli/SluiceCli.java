package io.sluice.cli;

import io.lettuce.core.RedisClient;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.sluice.api.bus.NatsSecurity;
import io.sluice.api.bus.RedisSecurity;
import io.sluice.api.bus.TlsFiles;
import java.io.IOException;
import java.security.GeneralSecurityException;
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
        subcommands = {WorkersCommand.class, RoutersCommand.class, DumpCommand.class, StatsCommand.class,
            EventsCommand.class, DrainCommand.class, TokenCommand.class})
public final class SluiceCli {

    @Option(names = "--nats-url", scope = ScopeType.INHERIT, defaultValue = "${env:NATS_URL:-nats://127.0.0.1:4222}",
            description = "NATS server (env NATS_URL, default ${DEFAULT-VALUE}).")
    String natsUrl;

    @Option(names = "--redis-url", scope = ScopeType.INHERIT, defaultValue = "${env:REDIS_URL:-redis://127.0.0.1:6379}",
            description = "Redis of the worker registry (env REDIS_URL, default ${DEFAULT-VALUE}).")
    String redisUrl;

    @Option(names = "--nats-creds-file", scope = ScopeType.INHERIT, defaultValue = "${env:NATS_CREDS_FILE:-}",
            description = "NATS credentials file: user JWT and nkey seed (env NATS_CREDS_FILE; docs/security.md).")
    String natsCredsFile;

    @Option(names = "--nats-nkey-seed-file", scope = ScopeType.INHERIT, defaultValue = "${env:NATS_NKEY_SEED_FILE:-}",
            description = "File holding the NATS nkey user seed (env NATS_NKEY_SEED_FILE).")
    String natsNkeySeedFile;

    @Option(names = "--nats-user", scope = ScopeType.INHERIT, defaultValue = "${env:NATS_USER:-}",
            description = "NATS user, with --nats-password (env NATS_USER).")
    String natsUser;

    @Option(names = "--nats-password", scope = ScopeType.INHERIT, defaultValue = "${env:NATS_PASSWORD:-}",
            description = "Password of the NATS user (env NATS_PASSWORD; prefer the variable: flags show in ps).")
    String natsPassword;

    @Option(names = "--nats-token", scope = ScopeType.INHERIT, defaultValue = "${env:NATS_TOKEN:-}",
            description = "NATS authentication token (env NATS_TOKEN).")
    String natsToken;

    @Option(names = "--nats-tls-ca-file", scope = ScopeType.INHERIT, defaultValue = "${env:NATS_TLS_CA_FILE:-}",
            description = "PEM CA certificate(s) for NATS's TLS (env NATS_TLS_CA_FILE).")
    String natsTlsCaFile;

    @Option(names = "--nats-tls-cert-file", scope = ScopeType.INHERIT, defaultValue = "${env:NATS_TLS_CERT_FILE:-}",
            description = "PEM client certificate for NATS's TLS (env NATS_TLS_CERT_FILE).")
    String natsTlsCertFile;

    @Option(names = "--nats-tls-key-file", scope = ScopeType.INHERIT, defaultValue = "${env:NATS_TLS_KEY_FILE:-}",
            description = "PEM PKCS#8 key of the NATS client certificate (env NATS_TLS_KEY_FILE).")
    String natsTlsKeyFile;

    @Option(names = "--nats-inbox-prefix", scope = ScopeType.INHERIT, defaultValue = "${env:NATS_INBOX_PREFIX:-}",
            description = "Prefix of the reply inboxes, private to the NATS user in docs/security.md's configuration "
                    + "(env NATS_INBOX_PREFIX, default _INBOX).")
    String natsInboxPrefix;

    @Option(names = "--redis-user", scope = ScopeType.INHERIT, defaultValue = "${env:REDIS_USER:-}",
            description = "Redis ACL user, with --redis-password (env REDIS_USER).")
    String redisUser;

    @Option(names = "--redis-password", scope = ScopeType.INHERIT, defaultValue = "${env:REDIS_PASSWORD:-}",
            description = "Redis password (env REDIS_PASSWORD; prefer the variable).")
    String redisPassword;

    @Option(names = "--redis-tls-ca-file", scope = ScopeType.INHERIT, defaultValue = "${env:REDIS_TLS_CA_FILE:-}",
            description = "PEM CA certificate(s) for Redis's TLS (env REDIS_TLS_CA_FILE).")
    String redisTlsCaFile;

    @Option(names = "--redis-tls-cert-file", scope = ScopeType.INHERIT, defaultValue = "${env:REDIS_TLS_CERT_FILE:-}",
            description = "PEM client certificate for Redis's TLS (env REDIS_TLS_CERT_FILE).")
    String redisTlsCertFile;

    @Option(names = "--redis-tls-key-file", scope = ScopeType.INHERIT, defaultValue = "${env:REDIS_TLS_KEY_FILE:-}",
            description = "PEM PKCS#8 key of the Redis client certificate (env REDIS_TLS_KEY_FILE).")
    String redisTlsKeyFile;

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

    /** NATS with the same credential options as the worker and the stub (docs/security.md). */
    Connection connectNats() throws IOException, InterruptedException, GeneralSecurityException {
        NatsSecurity security = new NatsSecurity(natsCredsFile, natsNkeySeedFile, natsUser, natsPassword, natsToken,
                new TlsFiles(natsTlsCaFile, natsTlsCertFile, natsTlsKeyFile), natsInboxPrefix);
        return Nats.connect(security.applyTo(Options.builder().server(natsUrl).connectionName("sluice-cli")
                .connectionTimeout(timeout()).errorListener(new QuietErrorListener())).build());
    }

    /** A Redis client with the same credential options as the worker and the stub; shut it down after use. */
    RedisClient redisClient() throws IOException, GeneralSecurityException {
        RedisSecurity security = new RedisSecurity(redisUser, redisPassword,
                new TlsFiles(redisTlsCaFile, redisTlsCertFile, redisTlsKeyFile));
        RedisClient client = RedisClient.create(security.uri(redisUrl));
        client.setOptions(security.applyTo(io.lettuce.core.ClientOptions.builder()).build());
        return client;
    }

    static PrintWriter out(CommandLine.Model.CommandSpec spec) {
        return spec.commandLine().getOut();
    }

    /** jnats reports every failure on its own too; the command's one-line error is enough. */
    private static final class QuietErrorListener implements io.nats.client.ErrorListener {
    }
}
