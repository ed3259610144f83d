package io.sluice.worker.config;

import java.util.Locale;

/**
 * One setting of the worker: its environment variable, the flag that overrides it, and what the
 * help says about it. The order here is the order of {@code --help}.
 */
public enum Setting {
    NATS_URL("URL", "NATS server to serve the control API on.", WorkerConfig.DEFAULT_NATS_URL),
    NATS_CREDS_FILE("PATH", "NATS credentials file (user JWT and nkey seed); docs/security.md.", "none"),
    NATS_NKEY_SEED_FILE("PATH", "File holding the NATS nkey user seed (SU...).", "none"),
    NATS_USER("USER", "NATS user; set with NATS_PASSWORD.", "none"),
    NATS_PASSWORD("PASSWORD", "Password of NATS_USER (prefer the variable: flags show in ps).", "none"),
    NATS_TOKEN("TOKEN", "NATS authentication token (prefer the variable).", "none"),
    NATS_TLS_CA_FILE("PATH", "PEM CA certificate(s) NATS's TLS certificate is checked with.", "the JDK's roots"),
    NATS_TLS_CERT_FILE("PATH", "PEM client certificate for NATS's TLS; set with NATS_TLS_KEY_FILE.", "none"),
    NATS_TLS_KEY_FILE("PATH", "PEM PKCS#8 private key of NATS_TLS_CERT_FILE.", "none"),
    REDIS_URL("URL", "Redis server holding the worker registry.", WorkerConfig.DEFAULT_REDIS_URL),
    REDIS_USER("USER", "Redis ACL user; set with REDIS_PASSWORD.", "default"),
    REDIS_PASSWORD("PASSWORD", "Redis password (prefer the variable: flags show in ps).", "none"),
    REDIS_TLS_CA_FILE("PATH", "PEM CA certificate(s) Redis's TLS certificate is checked with.", "the JDK's roots"),
    REDIS_TLS_CERT_FILE("PATH", "PEM client certificate for Redis's TLS; set with REDIS_TLS_KEY_FILE.", "none"),
    REDIS_TLS_KEY_FILE("PATH", "PEM PKCS#8 private key of REDIS_TLS_CERT_FILE.", "none"),
    WORKER_ID("PREFIX", "Worker id prefix ([A-Za-z0-9_-]); worker ids are PREFIX-<loop index>.",
            "host name and a random suffix"),
    WORKERS("N", "Event loops, one worker each.", "number of cores"),
    LISTEN_IP("IP", "Address the RTC sockets bind to.", WorkerConfig.DEFAULT_LISTEN_IP),
    ANNOUNCED_IP("ADDRESS", "Address announced to clients in ICE candidates.", "LISTEN_IP"),
    RTC_MIN_PORT("PORT", "Lowest UDP/TCP port for RTC.", Integer.toString(WorkerConfig.DEFAULT_RTC_MIN_PORT)),
    RTC_MAX_PORT("PORT", "Highest UDP/TCP port for RTC.", Integer.toString(WorkerConfig.DEFAULT_RTC_MAX_PORT)),
    LOG_LEVEL("LEVEL", "trace, debug, info, warn, error or off.", WorkerConfig.DEFAULT_LOG_LEVEL),
    DTLS_CERTIFICATE_FILE("PATH", "PEM certificate (ECDSA P-256 or P-384) for DTLS; set with DTLS_PRIVATE_KEY_FILE.",
            "a self-signed ECDSA P-256 certificate made at start"),
    DTLS_PRIVATE_KEY_FILE("PATH", "PEM private key (unencrypted) of DTLS_CERTIFICATE_FILE.", "none"),
    NATS_CONNECT_TIMEOUT("SECONDS", "How long to retry reaching NATS at start before giving up; 0 retries forever.",
            Integer.toString(WorkerConfig.DEFAULT_NATS_CONNECT_TIMEOUT_SECONDS)),
    METRICS_PORT("PORT", "HTTP port of /metrics (Prometheus), /healthz and /readyz; 0 serves none.", "0 (none)"),
    METRICS_IP("IP", "Address the metrics and health port binds to.", WorkerConfig.DEFAULT_METRICS_IP),
    DRAIN_TIMEOUT("SECONDS", "On SIGTERM or worker.drain, the longest wait for the routers to move off before closing them.",
            Integer.toString(WorkerConfig.DEFAULT_DRAIN_TIMEOUT_SECONDS)),
    MAX_ROUTERS("N", "Routers one worker holds at most; more are refused with RESOURCE_EXHAUSTED.",
            Integer.toString(WorkerLimits.DEFAULTS.maxRouters())),
    MAX_TRANSPORTS("N", "Transports (WebRTC and plain) one worker holds at most.",
            Integer.toString(WorkerLimits.DEFAULTS.maxTransports())),
    MAX_CONSUMERS("N", "Consumers one worker holds at most.", Integer.toString(WorkerLimits.DEFAULTS.maxConsumers())),
    ICE_TCP_MAX_CONNECTIONS("N", "ICE-TCP connections one worker keeps open at most; more are closed on accept.",
            Integer.toString(WorkerLimits.DEFAULTS.iceTcpMaxConnections())),
    ICE_TCP_MAX_PENDING_PER_SOURCE("N", "ICE-TCP connections from one IP address without a valid STUN check yet.",
            Integer.toString(WorkerLimits.DEFAULTS.iceTcpMaxPendingPerSource())),
    ICE_TCP_VALIDATION_TIMEOUT("SECONDS", "An ICE-TCP connection with no valid STUN check within this is closed (1-60).",
            Integer.toString(WorkerLimits.DEFAULTS.iceTcpValidationTimeoutSeconds()));

    private final String paramLabel;
    private final String description;
    private final String defaultDescription;

    Setting(String paramLabel, String description, String defaultDescription) {
        this.paramLabel = paramLabel;
        this.description = description;
        this.defaultDescription = defaultDescription;
    }

    /** The environment variable, e.g. {@code RTC_MIN_PORT}. */
    public String variable() {
        return name();
    }

    /** The flag, e.g. {@code --rtc-min-port}. */
    public String flag() {
        return "--" + name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public String paramLabel() {
        return paramLabel;
    }

    public String description() {
        return description;
    }

    public String defaultDescription() {
        return defaultDescription;
    }
}
