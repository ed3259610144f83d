package io.sluice.orchestrator;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.sluice.api.bus.NatsSecurity;
import io.sluice.api.bus.Redaction;
import io.sluice.api.bus.RedisSecurity;
import io.sluice.api.bus.TlsFiles;
import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.ParameterValue;
import io.sluice.api.v1.RouterClosed;
import io.sluice.api.v1.RtpCodecCapability;
import io.sluice.orchestrator.client.SluiceEventSubscriber;
import io.sluice.orchestrator.client.SluiceRequester;
import io.sluice.orchestrator.discovery.DeadWorkerSweep;
import io.sluice.orchestrator.discovery.WorkerDirectory;
import io.sluice.orchestrator.metrics.OperatorServer;
import io.sluice.orchestrator.metrics.StubMetrics;
import io.sluice.orchestrator.placement.InMemoryRoomAssignments;
import io.sluice.orchestrator.placement.RedisRoomAssignmentStore;
import io.sluice.orchestrator.placement.RoomPlacement;
import io.sluice.orchestrator.policy.ScoreLayerPolicy;
import io.sluice.orchestrator.signaling.JoinTokenVerifier;
import io.sluice.orchestrator.signaling.SignalingLimits;
import io.sluice.orchestrator.signaling.SignalingServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The orchestrator stub's process: connects to NATS and Redis, discovers workers, places rooms on
 * routers, serves the demo page and the browser signaling WebSocket (docs/signaling.md), logs
 * workers and routers as they come and go, and runs until SIGTERM.
 */
@Command(name = "sluice-orchestrator", mixinStandardHelpOptions = true, version = "sluice-orchestrator 0.1.0",
        description = "Discovers Sluice workers over NATS and Redis and serves browsers a signaling WebSocket.")
public final class OrchestratorMain implements Callable<Integer> {

    /**
     * The codecs of every room's router, as mediasoup's demo has them: Opus; VP8; VP9 profiles 0
     * and 2; H264 constrained baseline 3.1 (42e01f) and main 5.0 (4d0032), packetization-mode 1.
     * Browsers pick the first they can send (VP8) unless the page asks for another.
     */
    public static final List<RtpCodecCapability> DEFAULT_MEDIA_CODECS = List.of(
            RtpCodecCapability.newBuilder().setKind(MediaKind.AUDIO).setMimeType("audio/opus").setClockRate(48000)
                    .setChannels(2).build(),
            video("video/VP8", Map.of()),
            video("video/VP9", Map.of("profile-id", number(0))),
            video("video/VP9", Map.of("profile-id", number(2))),
            video("video/H264", Map.of("packetization-mode", number(1), "profile-level-id", text("4d0032"),
                    "level-asymmetry-allowed", number(1))),
            video("video/H264", Map.of("packetization-mode", number(1), "profile-level-id", text("42e01f"),
                    "level-asymmetry-allowed", number(1))));

    private static RtpCodecCapability video(String mimeType, Map<String, ParameterValue> parameters) {
        return RtpCodecCapability.newBuilder().setKind(MediaKind.VIDEO).setMimeType(mimeType).setClockRate(90000)
                .putAllParameters(parameters).build();
    }

    private static ParameterValue number(long value) {
        return ParameterValue.newBuilder().setIntValue(value).build();
    }

    private static ParameterValue text(String value) {
        return ParameterValue.newBuilder().setStringValue(value).build();
    }

    private static final Logger log = LoggerFactory.getLogger(OrchestratorMain.class);

    @Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--nats-url", defaultValue = "${env:NATS_URL:-nats://127.0.0.1:4222}",
            description = "NATS server URL (env NATS_URL, default ${DEFAULT-VALUE}).")
    private String natsUrl;

    @Option(names = "--redis-url", defaultValue = "${env:REDIS_URL:-redis://127.0.0.1:6379}",
            description = "Redis URL (env REDIS_URL, default ${DEFAULT-VALUE}).")
    private String redisUrl;

    @Option(names = "--nats-creds-file", defaultValue = "${env:NATS_CREDS_FILE:-}",
            description = "NATS credentials file: user JWT and nkey seed (env NATS_CREDS_FILE; docs/security.md).")
    private String natsCredsFile;

    @Option(names = "--nats-nkey-seed-file", defaultValue = "${env:NATS_NKEY_SEED_FILE:-}",
            description = "File holding the NATS nkey user seed (env NATS_NKEY_SEED_FILE).")
    private String natsNkeySeedFile;

    @Option(names = "--nats-user", defaultValue = "${env:NATS_USER:-}",
            description = "NATS user, with --nats-password (env NATS_USER).")
    private String natsUser;

    @Option(names = "--nats-password", defaultValue = "${env:NATS_PASSWORD:-}",
            description = "Password of the NATS user (env NATS_PASSWORD; prefer the variable: flags show in ps).")
    private String natsPassword;

    @Option(names = "--nats-token", defaultValue = "${env:NATS_TOKEN:-}",
            description = "NATS authentication token (env NATS_TOKEN).")
    private String natsToken;

    @Option(names = "--nats-tls-ca-file", defaultValue = "${env:NATS_TLS_CA_FILE:-}",
            description = "PEM CA certificate(s) for NATS's TLS (env NATS_TLS_CA_FILE).")
    private String natsTlsCaFile;

    @Option(names = "--nats-tls-cert-file", defaultValue = "${env:NATS_TLS_CERT_FILE:-}",
            description = "PEM client certificate for NATS's TLS (env NATS_TLS_CERT_FILE).")
    private String natsTlsCertFile;

    @Option(names = "--nats-tls-key-file", defaultValue = "${env:NATS_TLS_KEY_FILE:-}",
            description = "PEM PKCS#8 key of the NATS client certificate (env NATS_TLS_KEY_FILE).")
    private String natsTlsKeyFile;

    @Option(names = "--nats-inbox-prefix", defaultValue = "${env:NATS_INBOX_PREFIX:-}",
            description = "Prefix of this backend's reply inboxes, private to its NATS user in docs/security.md's "
                    + "configuration (env NATS_INBOX_PREFIX, default _INBOX).")
    private String natsInboxPrefix;

    @Option(names = "--redis-user", defaultValue = "${env:REDIS_USER:-}",
            description = "Redis ACL user, with --redis-password (env REDIS_USER).")
    private String redisUser;

    @Option(names = "--redis-password", defaultValue = "${env:REDIS_PASSWORD:-}",
            description = "Redis password (env REDIS_PASSWORD; prefer the variable).")
    private String redisPassword;

    @Option(names = "--redis-tls-ca-file", defaultValue = "${env:REDIS_TLS_CA_FILE:-}",
            description = "PEM CA certificate(s) for Redis's TLS (env REDIS_TLS_CA_FILE).")
    private String redisTlsCaFile;

    @Option(names = "--redis-tls-cert-file", defaultValue = "${env:REDIS_TLS_CERT_FILE:-}",
            description = "PEM client certificate for Redis's TLS (env REDIS_TLS_CERT_FILE).")
    private String redisTlsCertFile;

    @Option(names = "--redis-tls-key-file", defaultValue = "${env:REDIS_TLS_KEY_FILE:-}",
            description = "PEM PKCS#8 key of the Redis client certificate (env REDIS_TLS_KEY_FILE).")
    private String redisTlsKeyFile;

    @Option(names = "--http-port", defaultValue = "${env:HTTP_PORT:-3000}",
            description = "Port of the demo page and the browser WebSocket /ws "
                    + "(env HTTP_PORT, default ${DEFAULT-VALUE}).")
    private int httpPort;

    @Option(names = "--http-host", defaultValue = "${env:HTTP_HOST:-127.0.0.1}",
            description = "Address the page and WebSocket listen on (env HTTP_HOST, default ${DEFAULT-VALUE}).")
    private String httpHost;

    @Option(names = "--metrics-port", defaultValue = "${env:METRICS_PORT:-0}",
            description = "Port of /metrics, /healthz and /readyz; 0 for none (env METRICS_PORT, default ${DEFAULT-VALUE}).")
    private int metricsPort;

    @Option(names = "--metrics-ip", defaultValue = "${env:METRICS_IP:-127.0.0.1}",
            description = "Address of the metrics port (env METRICS_IP, default ${DEFAULT-VALUE}: loopback only).")
    private String metricsIp;

    @Option(names = "--join-secret", defaultValue = "${env:JOIN_SECRET:-}",
            description = "Shared secret of the HS256 join tokens (JWT, docs/signaling.md); this or "
                    + "--join-public-key-file is required (env JOIN_SECRET).")
    private String joinSecret;

    @Option(names = "--join-public-key-file", defaultValue = "${env:JOIN_PUBLIC_KEY_FILE:-}",
            description = "PEM public key (RSA: RS256 tokens, Ed25519: EdDSA tokens) checking the join tokens "
                    + "instead of a shared secret (env JOIN_PUBLIC_KEY_FILE).")
    private String joinPublicKeyFile;

    @Option(names = "--join-clock-skew-seconds", defaultValue = "${env:JOIN_CLOCK_SKEW_SECONDS:-30}",
            description = "Leeway for the tokens' exp and nbf (env JOIN_CLOCK_SKEW_SECONDS, default ${DEFAULT-VALUE}).")
    private int joinClockSkewSeconds;

    @Option(names = "--sessions-per-user", defaultValue = "${env:SESSIONS_PER_USER:-4}",
            description = "Live sessions one user may hold in one room (env SESSIONS_PER_USER, default ${DEFAULT-VALUE}).")
    private int sessionsPerUser;

    @Option(names = "--peer-max-transports", defaultValue = "${env:PEER_MAX_TRANSPORTS:-4}",
            description = "Transports one peer may hold (env PEER_MAX_TRANSPORTS, default ${DEFAULT-VALUE}).")
    private int peerMaxTransports;

    @Option(names = "--peer-max-producers", defaultValue = "${env:PEER_MAX_PRODUCERS:-16}",
            description = "Producers one peer may hold (env PEER_MAX_PRODUCERS, default ${DEFAULT-VALUE}).")
    private int peerMaxProducers;

    @Option(names = "--peer-max-consumers", defaultValue = "${env:PEER_MAX_CONSUMERS:-256}",
            description = "Consumers one peer may hold (env PEER_MAX_CONSUMERS, default ${DEFAULT-VALUE}).")
    private int peerMaxConsumers;

    @Option(names = "--session-resume-seconds", defaultValue = "${env:SESSION_RESUME_SECONDS:-20}",
            description = "How long a peer whose WebSocket closed keeps its media and may resume its session "
                    + "(docs/signaling.md; env SESSION_RESUME_SECONDS, default ${DEFAULT-VALUE}).")
    private int sessionResumeSeconds;

    @Option(names = "--room-peers-per-worker", defaultValue = "${env:ROOM_PEERS_PER_WORKER:-0}",
            description = "Peers of one room this stub puts on one worker before the room gets a router on another "
                    + "worker, its producers piped there (docs/signaling.md; env ROOM_PEERS_PER_WORKER, "
                    + "default ${DEFAULT-VALUE}: no limit, a room stays on one router).")
    private int roomPeersPerWorker;

    public static void main(String[] args) {
        String logFormat = System.getenv("LOG_FORMAT");
        if (logFormat != null && !logFormat.isEmpty() && !logFormat.equals("text") && !logFormat.equals("json")) {
            System.err.println("sluice-orchestrator: LOG_FORMAT must be text or json, got \"" + logFormat + "\"");
            System.exit(2);
        }
        // jnats logs through java.util.logging; one format for every line (logback.xml).
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        System.exit(commandLine().execute(args));
    }

    /** The command line with one-line errors for bad values, as {@link #main} runs it. */
    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new OrchestratorMain());
        commandLine.setParameterExceptionHandler((ParameterException e, String[] args) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("sluice-orchestrator: " + e.getMessage() + " (see --help)");
            return 2;
        });
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("sluice-orchestrator: " + oneLine(e));
            return 1;
        });
        return commandLine;
    }

    @Override
    public Integer call() throws Exception {
        validate();
        NatsSecurity natsSecurity = natsSecurity();
        RedisSecurity redisSecurity = redisSecurity();
        Options natsOptions = natsSecurity.applyTo(Options.builder()
                .server(natsUrl)
                .connectionName("sluice-orchestrator-stub")
                .maxReconnects(-1))
                .build();
        RedisClient redisClient = RedisClient.create(redisSecurity.uri(redisUrl));
        redisClient.setOptions(redisSecurity.applyTo(io.lettuce.core.ClientOptions.builder()).build());
        try (Connection nats = Nats.connect(natsOptions);
                StatefulRedisConnection<String, String> redis = redisClient.connect();
                WorkerDirectory directory = new WorkerDirectory(nats, redis, InstantSource.system());
                SluiceEventSubscriber events = new SluiceEventSubscriber(nats)) {
            SluiceRequester requester = new SluiceRequester(nats);
            requester.onNoResponders(directory::suspect);
            StubMetrics metrics = new StubMetrics();
            requester.onReply(metrics);
            RoomPlacement placement = new RoomPlacement(directory, requester,
                    new InMemoryRoomAssignments(), new RedisRoomAssignmentStore(redis, InstantSource.system()),
                    DEFAULT_MEDIA_CODECS);
            if (roomPeersPerWorker > 0) {
                placement.spreadRoomsBeyond(roomPeersPerWorker);
            }
            directory.addListener(new DeadWorkerSweep(redis, InstantSource.system()));
            directory.addListener(placement);
            events.addRouterListener(placement);
            events.addRouterListener(OrchestratorMain::logRouterClosed);
            events.followAllRouters();
            directory.start();
            // Room keys come back within a second after a Redis restart that lost them.
            ScheduledExecutorService reclaim = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().daemon().name("sluice-room-reclaim").factory());
            reclaim.scheduleWithFixedDelay(placement::reclaimStoredAssignments, 1, 1, TimeUnit.SECONDS);
            try (SignalingServer signaling = SignalingServer.start(httpHost, httpPort, placement, joinTokens(),
                    signalingLimits(), events,
                    new ScoreLayerPolicy(InstantSource.system()), nats, redis,
                    java.time.Duration.ofSeconds(sessionResumeSeconds));
                    OperatorServer operator = metricsPort == 0 ? null
                            : OperatorServer.start(metricsIp, metricsPort, metrics, () -> notReadyReason(nats, redis),
                                    signaling::roomDump)) {
                metrics.watch(signaling);
                log.info("orchestrator stub started: nats={} ({}) redis={} ({}) page http://{}:{}/",
                        Redaction.redact(natsUrl), natsSecurity, Redaction.redact(redisUrl), redisSecurity, httpHost,
                        signaling.port());
                CountDownLatch stopped = new CountDownLatch(1);
                Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "sluice-orchestrator-shutdown"));
                stopped.await();
                log.info("orchestrator stub stopping");
            }
        } finally {
            redisClient.shutdown();
        }
        return 0;
    }

    /** Why the stub cannot serve joins now, or null: /readyz answers 503 with it. */
    private static String notReadyReason(Connection nats, StatefulRedisConnection<String, String> redis) {
        if (nats.getStatus() != Connection.Status.CONNECTED) {
            return "NATS is " + nats.getStatus().name().toLowerCase(java.util.Locale.ROOT);
        }
        return redis.isOpen() ? null : "Redis is not connected";
    }

    private void validate() {
        if (roomPeersPerWorker < 0) {
            throw new ParameterException(spec.commandLine(),
                    "Invalid value for option '--room-peers-per-worker': " + roomPeersPerWorker + " (0: no limit)");
        }
        if (httpPort < 1 || httpPort > 65535) {
            throw new ParameterException(spec.commandLine(),
                    "Invalid value for option '--http-port': " + httpPort + " is not a port (1-65535)");
        }
        if (metricsPort < 0 || metricsPort > 65535) {
            throw new ParameterException(spec.commandLine(),
                    "Invalid value for option '--metrics-port': " + metricsPort + " is not a port (0-65535)");
        }
        requireUrl("--nats-url", natsUrl, "nats", "tls");
        requireUrl("--redis-url", redisUrl, "redis", "rediss");
        try {
            RedisURI.create(redisUrl);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(),
                    "Invalid value for option '--redis-url': " + Redaction.redact(redisUrl) + ": "
                            + Redaction.redact(e.getMessage()));
        }
        try {
            natsSecurity();
            redisSecurity();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (sessionResumeSeconds < 0 || sessionResumeSeconds > 3600) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--session-resume-seconds': "
                    + sessionResumeSeconds + " is not from 0 to 3600");
        }
        if (joinSecret.isEmpty() == joinPublicKeyFile.isEmpty()) {
            throw new ParameterException(spec.commandLine(), joinSecret.isEmpty()
                    ? "Missing option '--join-secret' (env JOIN_SECRET) or '--join-public-key-file': "
                            + "join tokens cannot be checked without one"
                    : "'--join-secret' and '--join-public-key-file' exclude each other: tokens are checked one way");
        }
        if (joinClockSkewSeconds < 0 || joinClockSkewSeconds > 600) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--join-clock-skew-seconds': "
                    + joinClockSkewSeconds + " is not from 0 to 600");
        }
        try {
            joinTokens();
            signalingLimits();
        } catch (IllegalArgumentException | IOException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private JoinTokenVerifier joinTokens() throws IOException {
        java.time.Duration skew = java.time.Duration.ofSeconds(joinClockSkewSeconds);
        return joinSecret.isEmpty()
                ? JoinTokenVerifier.publicKey(JoinTokenVerifier.readPublicKey(Path.of(joinPublicKeyFile)),
                        InstantSource.system(), skew)
                : JoinTokenVerifier.hs256(joinSecret.getBytes(StandardCharsets.UTF_8), InstantSource.system(), skew);
    }

    private SignalingLimits signalingLimits() {
        return new SignalingLimits(sessionsPerUser, peerMaxTransports, peerMaxProducers, peerMaxConsumers);
    }

    private void requireUrl(String option, String value, String... schemes) {
        String problem;
        try {
            URI uri = new URI(value);
            boolean knownScheme = uri.getScheme() != null && java.util.Arrays.asList(schemes).contains(uri.getScheme());
            problem = !knownScheme ? "the scheme must be one of " + String.join(", ", schemes)
                    : uri.getHost() == null ? "no host" : null;
        } catch (URISyntaxException e) {
            problem = e.getMessage();
        }
        if (problem != null) {
            throw new ParameterException(spec.commandLine(),
                    "Invalid value for option '" + option + "': " + Redaction.redact(value) + ": " + problem);
        }
    }

    private NatsSecurity natsSecurity() {
        return new NatsSecurity(natsCredsFile, natsNkeySeedFile, natsUser, natsPassword, natsToken,
                new TlsFiles(natsTlsCaFile, natsTlsCertFile, natsTlsKeyFile), natsInboxPrefix);
    }

    private RedisSecurity redisSecurity() {
        return new RedisSecurity(redisUser, redisPassword, new TlsFiles(redisTlsCaFile, redisTlsCertFile, redisTlsKeyFile));
    }

    private static void logRouterClosed(String workerId, String routerId, RouterClosed.Reason reason) {
        log.info("router closed: {} on worker {} ({})", routerId, workerId, reason);
    }

    private static String oneLine(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getMessage() == null) {
            cause = cause.getCause();
        }
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return Redaction.redact(message.replace('\n', ' '));
    }
}
