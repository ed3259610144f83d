package io.sluice.worker.config;

import io.sluice.api.bus.NatsSecurity;
import io.sluice.api.bus.Redaction;
import io.sluice.api.bus.RedisSecurity;
import io.sluice.api.bus.TlsFiles;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * The settings of one worker process, from environment variables overridden by flags
 * ({@link WorkerCommandLine}). Every value is checked: a wrong one never reaches the worker.
 *
 * @param natsUrl NATS server URL (or several, comma separated)
 * @param redisUrl Redis server URL
 * @param workerIdPrefix worker ids are {@code <prefix>-<loop index>}
 * @param workers number of event loops, one worker each
 * @param listenIp address the RTC sockets bind to
 * @param announcedIp address announced to clients (defaults to listenIp)
 * @param rtcMinPort lowest RTC port
 * @param rtcMaxPort highest RTC port
 * @param logLevel trace, debug, info, warn, error or off
 * @param dtlsCertificateFile PEM certificate for DTLS, or empty to make one at start
 * @param dtlsPrivateKeyFile PEM private key of that certificate, empty when it is
 * @param natsConnectTimeoutSeconds how long the start waits for NATS; 0 waits forever
 * @param metricsIp address of the metrics and health HTTP port
 * @param metricsPort port of /metrics, /healthz and /readyz; 0 for none
 * @param natsSecurity credentials and TLS for NATS (docs/security.md)
 * @param redisSecurity credentials and TLS for Redis
 * @param drainTimeoutSeconds how long a drain waits for the routers to move off
 * @param limits what one worker accepts at most (docs/security.md)
 */
public record WorkerConfig(
        String natsUrl,
        String redisUrl,
        String workerIdPrefix,
        int workers,
        String listenIp,
        String announcedIp,
        int rtcMinPort,
        int rtcMaxPort,
        String logLevel,
        String dtlsCertificateFile,
        String dtlsPrivateKeyFile,
        int natsConnectTimeoutSeconds,
        String metricsIp,
        int metricsPort,
        NatsSecurity natsSecurity,
        RedisSecurity redisSecurity,
        int drainTimeoutSeconds,
        WorkerLimits limits) {

    public static final String DEFAULT_NATS_URL = "nats://127.0.0.1:4222";
    public static final String DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";
    public static final String DEFAULT_LISTEN_IP = "127.0.0.1";
    public static final int DEFAULT_RTC_MIN_PORT = 40000;
    public static final int DEFAULT_RTC_MAX_PORT = 49999;
    public static final String DEFAULT_LOG_LEVEL = "info";
    public static final int DEFAULT_NATS_CONNECT_TIMEOUT_SECONDS = 30;
    public static final String DEFAULT_METRICS_IP = "127.0.0.1";
    /** Below the 35 s stop grace period of compose/docker-compose.yml, so a drain ends before SIGKILL. */
    public static final int DEFAULT_DRAIN_TIMEOUT_SECONDS = 30;

    static final Set<String> NATS_SCHEMES = Set.of("nats", "tls", "ws", "wss");
    static final Set<String> REDIS_SCHEMES = Set.of("redis", "rediss");

    /** Checks a config built in code; the message names the field as its variable. */
    public WorkerConfig {
        try {
            check(natsUrl, redisUrl, workerIdPrefix, workers, listenIp, announcedIp, rtcMinPort, rtcMaxPort);
            logLevel = SettingParsers.logLevel(Setting.LOG_LEVEL.variable(), String.valueOf(logLevel));
            dtlsCertificateFile = dtlsCertificateFile == null ? "" : dtlsCertificateFile;
            dtlsPrivateKeyFile = dtlsPrivateKeyFile == null ? "" : dtlsPrivateKeyFile;
            checkDtlsFiles(Setting.DTLS_CERTIFICATE_FILE.variable(), dtlsCertificateFile,
                    Setting.DTLS_PRIVATE_KEY_FILE.variable(), dtlsPrivateKeyFile);
            SettingParsers.seconds(Setting.NATS_CONNECT_TIMEOUT.variable(), Integer.toString(natsConnectTimeoutSeconds));
            SettingParsers.ip(Setting.METRICS_IP.variable(), String.valueOf(metricsIp));
            SettingParsers.portOrZero(Setting.METRICS_PORT.variable(), Integer.toString(metricsPort));
            natsSecurity = natsSecurity == null ? NatsSecurity.NONE : natsSecurity;
            redisSecurity = redisSecurity == null ? RedisSecurity.NONE : redisSecurity;
            limits = limits == null ? WorkerLimits.DEFAULTS : limits;
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    /** A config with a DTLS certificate made at start. */
    public WorkerConfig(String natsUrl, String redisUrl, String workerIdPrefix, int workers, String listenIp,
            String announcedIp, int rtcMinPort, int rtcMaxPort, String logLevel) {
        this(natsUrl, redisUrl, workerIdPrefix, workers, listenIp, announcedIp, rtcMinPort, rtcMaxPort, logLevel, "", "");
    }

    /** A config with the default NATS start timeout and drain timeout, no metrics port and no bus credentials. */
    public WorkerConfig(String natsUrl, String redisUrl, String workerIdPrefix, int workers, String listenIp,
            String announcedIp, int rtcMinPort, int rtcMaxPort, String logLevel, String dtlsCertificateFile,
            String dtlsPrivateKeyFile) {
        this(natsUrl, redisUrl, workerIdPrefix, workers, listenIp, announcedIp, rtcMinPort, rtcMaxPort, logLevel,
                dtlsCertificateFile, dtlsPrivateKeyFile, DEFAULT_NATS_CONNECT_TIMEOUT_SECONDS, DEFAULT_METRICS_IP, 0,
                NatsSecurity.NONE, RedisSecurity.NONE, DEFAULT_DRAIN_TIMEOUT_SECONDS, WorkerLimits.DEFAULTS);
    }

    /** How long a drain waits for the routers to move off. */
    public java.time.Duration drainTimeout() {
        return java.time.Duration.ofSeconds(drainTimeoutSeconds);
    }

    private static void checkDtlsFiles(String certificateName, String certificateFile, String keyName, String keyFile)
            throws ConfigException {
        if (certificateFile.isEmpty() != keyFile.isEmpty()) {
            throw new ConfigException(certificateName + " and " + keyName + " go together: set both or neither");
        }
        if (!certificateFile.isEmpty()) {
            SettingParsers.readableFile(certificateName, certificateFile);
            SettingParsers.readableFile(keyName, keyFile);
        }
    }

    /** The config from environment variables only (tests, bench and embedding code use this). */
    public static WorkerConfig fromEnvironment(Map<String, String> env) throws ConfigException {
        return resolve(Map.of(), env, HostFacts.current(env));
    }

    /**
     * Flag values win over environment variables, which win over the defaults. An empty
     * variable counts as unset (as compose files often leave them).
     */
    static WorkerConfig resolve(Map<Setting, String> flags, Map<String, String> env, HostFacts facts)
            throws ConfigException {
        Map<Setting, String> names = new EnumMap<>(Setting.class);
        Map<Setting, String> raw = new EnumMap<>(Setting.class);
        for (Setting setting : Setting.values()) {
            String flag = flags.get(setting);
            String variable = env.get(setting.variable());
            if (flag != null) {
                names.put(setting, setting.flag());
                raw.put(setting, flag);
            } else if (variable != null && !variable.isBlank()) {
                names.put(setting, setting.variable());
                raw.put(setting, variable.strip());
            }
        }
        String natsUrl = raw.containsKey(Setting.NATS_URL)
                ? SettingParsers.urls(names.get(Setting.NATS_URL), raw.get(Setting.NATS_URL), NATS_SCHEMES)
                : DEFAULT_NATS_URL;
        String redisUrl = raw.containsKey(Setting.REDIS_URL)
                ? SettingParsers.url(names.get(Setting.REDIS_URL), raw.get(Setting.REDIS_URL), REDIS_SCHEMES)
                : DEFAULT_REDIS_URL;
        String prefix = raw.containsKey(Setting.WORKER_ID)
                ? SettingParsers.workerIdPrefix(names.get(Setting.WORKER_ID), raw.get(Setting.WORKER_ID))
                : facts.defaultWorkerIdPrefix();
        int workers = raw.containsKey(Setting.WORKERS)
                ? SettingParsers.workers(names.get(Setting.WORKERS), raw.get(Setting.WORKERS))
                : Math.max(1, facts.cores());
        String listenIp = raw.containsKey(Setting.LISTEN_IP)
                ? SettingParsers.ip(names.get(Setting.LISTEN_IP), raw.get(Setting.LISTEN_IP))
                : DEFAULT_LISTEN_IP;
        String announcedIp;
        if (raw.containsKey(Setting.ANNOUNCED_IP)) {
            announcedIp = SettingParsers.address(names.get(Setting.ANNOUNCED_IP), raw.get(Setting.ANNOUNCED_IP));
        } else if (SettingParsers.isWildcard(listenIp)) {
            throw new ConfigException(Setting.ANNOUNCED_IP.variable() + " must be set when "
                    + names.get(Setting.LISTEN_IP) + " is a wildcard address, got \"" + listenIp + "\"");
        } else {
            announcedIp = listenIp;
        }
        int minPort = raw.containsKey(Setting.RTC_MIN_PORT)
                ? SettingParsers.port(names.get(Setting.RTC_MIN_PORT), raw.get(Setting.RTC_MIN_PORT))
                : DEFAULT_RTC_MIN_PORT;
        int maxPort = raw.containsKey(Setting.RTC_MAX_PORT)
                ? SettingParsers.port(names.get(Setting.RTC_MAX_PORT), raw.get(Setting.RTC_MAX_PORT))
                : DEFAULT_RTC_MAX_PORT;
        if (maxPort < minPort) {
            String maxName = names.getOrDefault(Setting.RTC_MAX_PORT, Setting.RTC_MAX_PORT.variable());
            String minName = names.getOrDefault(Setting.RTC_MIN_PORT, Setting.RTC_MIN_PORT.variable());
            throw new ConfigException(maxName + " must be at least " + minName + " (" + minPort + "), got \"" + maxPort + "\"");
        }
        String logLevel = raw.containsKey(Setting.LOG_LEVEL)
                ? SettingParsers.logLevel(names.get(Setting.LOG_LEVEL), raw.get(Setting.LOG_LEVEL))
                : DEFAULT_LOG_LEVEL;
        String certificateFile = raw.getOrDefault(Setting.DTLS_CERTIFICATE_FILE, "");
        String keyFile = raw.getOrDefault(Setting.DTLS_PRIVATE_KEY_FILE, "");
        checkDtlsFiles(names.getOrDefault(Setting.DTLS_CERTIFICATE_FILE, Setting.DTLS_CERTIFICATE_FILE.variable()),
                certificateFile, names.getOrDefault(Setting.DTLS_PRIVATE_KEY_FILE, Setting.DTLS_PRIVATE_KEY_FILE.variable()),
                keyFile);
        int drainTimeout = raw.containsKey(Setting.DRAIN_TIMEOUT)
                ? SettingParsers.seconds(names.get(Setting.DRAIN_TIMEOUT), raw.get(Setting.DRAIN_TIMEOUT))
                : DEFAULT_DRAIN_TIMEOUT_SECONDS;
        int natsConnectTimeout = raw.containsKey(Setting.NATS_CONNECT_TIMEOUT)
                ? SettingParsers.seconds(names.get(Setting.NATS_CONNECT_TIMEOUT), raw.get(Setting.NATS_CONNECT_TIMEOUT))
                : DEFAULT_NATS_CONNECT_TIMEOUT_SECONDS;
        String metricsIp = raw.containsKey(Setting.METRICS_IP)
                ? SettingParsers.ip(names.get(Setting.METRICS_IP), raw.get(Setting.METRICS_IP))
                : DEFAULT_METRICS_IP;
        int metricsPort = raw.containsKey(Setting.METRICS_PORT)
                ? SettingParsers.portOrZero(names.get(Setting.METRICS_PORT), raw.get(Setting.METRICS_PORT))
                : 0;
        return new WorkerConfig(natsUrl, redisUrl, prefix, workers, listenIp, announcedIp, minPort, maxPort, logLevel,
                certificateFile, keyFile, natsConnectTimeout, metricsIp, metricsPort, natsSecurity(raw, names), redisSecurity(raw, names),
                drainTimeout, limits(raw, names));
    }

    private static NatsSecurity natsSecurity(Map<Setting, String> raw, Map<Setting, String> names)
            throws ConfigException {
        for (Setting file : new Setting[] {Setting.NATS_CREDS_FILE, Setting.NATS_NKEY_SEED_FILE,
                Setting.NATS_TLS_CA_FILE, Setting.NATS_TLS_CERT_FILE, Setting.NATS_TLS_KEY_FILE}) {
            if (raw.containsKey(file)) {
                SettingParsers.readableFile(names.get(file), raw.get(file));
            }
        }
        try {
            return new NatsSecurity(raw.get(Setting.NATS_CREDS_FILE), raw.get(Setting.NATS_NKEY_SEED_FILE),
                    raw.get(Setting.NATS_USER), raw.get(Setting.NATS_PASSWORD), raw.get(Setting.NATS_TOKEN),
                    new TlsFiles(raw.get(Setting.NATS_TLS_CA_FILE), raw.get(Setting.NATS_TLS_CERT_FILE),
                            raw.get(Setting.NATS_TLS_KEY_FILE)), "");
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage() + " (NATS_CREDS_FILE, NATS_NKEY_SEED_FILE, NATS_USER and "
                    + "NATS_PASSWORD, NATS_TOKEN, NATS_TLS_CERT_FILE and NATS_TLS_KEY_FILE)");
        }
    }

    private static RedisSecurity redisSecurity(Map<Setting, String> raw, Map<Setting, String> names)
            throws ConfigException {
        for (Setting file : new Setting[] {Setting.REDIS_TLS_CA_FILE, Setting.REDIS_TLS_CERT_FILE,
                Setting.REDIS_TLS_KEY_FILE}) {
            if (raw.containsKey(file)) {
                SettingParsers.readableFile(names.get(file), raw.get(file));
            }
        }
        try {
            return new RedisSecurity(raw.get(Setting.REDIS_USER), raw.get(Setting.REDIS_PASSWORD),
                    new TlsFiles(raw.get(Setting.REDIS_TLS_CA_FILE), raw.get(Setting.REDIS_TLS_CERT_FILE),
                            raw.get(Setting.REDIS_TLS_KEY_FILE)));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage() + " (REDIS_USER and REDIS_PASSWORD, REDIS_TLS_CERT_FILE and "
                    + "REDIS_TLS_KEY_FILE)");
        }
    }

    /** As the record's, with the URLs' credentials hidden (the security records show none). */
    @Override
    public String toString() {
        return "WorkerConfig[natsUrl=" + Redaction.redact(natsUrl) + ", redisUrl=" + Redaction.redact(redisUrl)
                + ", workerIdPrefix=" + workerIdPrefix + ", workers=" + workers + ", listenIp=" + listenIp
                + ", announcedIp=" + announcedIp + ", rtcMinPort=" + rtcMinPort + ", rtcMaxPort=" + rtcMaxPort
                + ", logLevel=" + logLevel + ", dtlsCertificateFile=" + dtlsCertificateFile + ", dtlsPrivateKeyFile="
                + dtlsPrivateKeyFile + ", natsConnectTimeoutSeconds=" + natsConnectTimeoutSeconds
                + ", metricsIp=" + metricsIp + ", metricsPort=" + metricsPort + ", natsSecurity=" + natsSecurity + ", redisSecurity=" + redisSecurity
                + ", drainTimeoutSeconds=" + drainTimeoutSeconds + ", limits=" + limits + "]";
    }

    private static void check(String natsUrl, String redisUrl, String workerIdPrefix, int workers, String listenIp,
            String announcedIp, int rtcMinPort, int rtcMaxPort) throws ConfigException {
        SettingParsers.urls(Setting.NATS_URL.variable(), String.valueOf(natsUrl), NATS_SCHEMES);
        SettingParsers.url(Setting.REDIS_URL.variable(), String.valueOf(redisUrl), REDIS_SCHEMES);
        SettingParsers.workerIdPrefix(Setting.WORKER_ID.variable(), String.valueOf(workerIdPrefix));
        SettingParsers.workers(Setting.WORKERS.variable(), Integer.toString(workers));
        SettingParsers.ip(Setting.LISTEN_IP.variable(), String.valueOf(listenIp));
        SettingParsers.address(Setting.ANNOUNCED_IP.variable(), String.valueOf(announcedIp));
        SettingParsers.port(Setting.RTC_MIN_PORT.variable(), Integer.toString(rtcMinPort));
        SettingParsers.port(Setting.RTC_MAX_PORT.variable(), Integer.toString(rtcMaxPort));
        if (rtcMaxPort < rtcMinPort) {
            throw new ConfigException("RTC_MAX_PORT must be at least RTC_MIN_PORT (" + rtcMinPort + "), got \"" + rtcMaxPort + "\"");
        }
    }

    public WorkerConfig withNatsUrl(String url) {
        return new WorkerConfig(url, redisUrl, workerIdPrefix, workers, listenIp, announcedIp, rtcMinPort, rtcMaxPort,
                logLevel, dtlsCertificateFile, dtlsPrivateKeyFile, natsConnectTimeoutSeconds, metricsIp, metricsPort, natsSecurity,
                redisSecurity, drainTimeoutSeconds, limits);
    }

    public WorkerConfig withRedisUrl(String url) {
        return new WorkerConfig(natsUrl, url, workerIdPrefix, workers, listenIp, announcedIp, rtcMinPort, rtcMaxPort,
                logLevel, dtlsCertificateFile, dtlsPrivateKeyFile, natsConnectTimeoutSeconds, metricsIp, metricsPort, natsSecurity,
                redisSecurity, drainTimeoutSeconds, limits);
    }

    public WorkerConfig withWorkerIdPrefix(String prefix) {
        return new WorkerConfig(natsUrl, redisUrl, prefix, workers, listenIp, announcedIp, rtcMinPort, rtcMaxPort,
                logLevel, dtlsCertificateFile, dtlsPrivateKeyFile, natsConnectTimeoutSeconds, metricsIp, metricsPort, natsSecurity,
                redisSecurity, drainTimeoutSeconds, limits);
    }

    public WorkerConfig withWorkers(int count) {
        return new WorkerConfig(natsUrl, redisUrl, workerIdPrefix, count, listenIp, announcedIp, rtcMinPort, rtcMaxPort,
                logLevel, dtlsCertificateFile, dtlsPrivateKeyFile, natsConnectTimeoutSeconds, metricsIp, metricsPort, natsSecurity,
                redisSecurity, drainTimeoutSeconds, limits);
    }

    public WorkerConfig withRtcPorts(int min, int max) {
        return new WorkerConfig(natsUrl, redisUrl, workerIdPrefix, workers, listenIp, announcedIp, min, max,
                logLevel, dtlsCertificateFile, dtlsPrivateKeyFile, natsConnectTimeoutSeconds, metricsIp, metricsPort,
                natsSecurity, redisSecurity, drainTimeoutSeconds, limits);
    }

    public WorkerConfig withMetricsPort(int port) {
        return new WorkerConfig(natsUrl, redisUrl, workerIdPrefix, workers, listenIp, announcedIp, rtcMinPort,
                rtcMaxPort, logLevel, dtlsCertificateFile, dtlsPrivateKeyFile, natsConnectTimeoutSeconds, metricsIp, port,
                natsSecurity, redisSecurity, drainTimeoutSeconds, limits);
    }

    public WorkerConfig withNatsConnectTimeoutSeconds(int seconds) {
        return new WorkerConfig(natsUrl, redisUrl, workerIdPrefix, workers, listenIp, announcedIp, rtcMinPort,
                rtcMaxPort, logLevel, dtlsCertificateFile, dtlsPrivateKeyFile, seconds, metricsIp, metricsPort,
                natsSecurity, redisSecurity, drainTimeoutSeconds, limits);
    }

    public WorkerConfig withNatsSecurity(NatsSecurity security) {
        return new WorkerConfig(natsUrl, redisUrl, workerIdPrefix, workers, listenIp, announcedIp, rtcMinPort, rtcMaxPort,
                logLevel, dtlsCertificateFile, dtlsPrivateKeyFile, natsConnectTimeoutSeconds, metricsIp, metricsPort,
                security, redisSecurity, drainTimeoutSeconds, limits);
    }

    public WorkerConfig withDrainTimeoutSeconds(int seconds) {
        return new WorkerConfig(natsUrl, redisUrl, workerIdPrefix, workers, listenIp, announcedIp, rtcMinPort, rtcMaxPort,
                logLevel, dtlsCertificateFile, dtlsPrivateKeyFile, natsConnectTimeoutSeconds, metricsIp, metricsPort,
                natsSecurity, redisSecurity, seconds, limits);
    }

    public WorkerConfig withRedisSecurity(RedisSecurity security) {
        return new WorkerConfig(natsUrl, redisUrl, workerIdPrefix, workers, listenIp, announcedIp, rtcMinPort, rtcMaxPort,
                logLevel, dtlsCertificateFile, dtlsPrivateKeyFile, natsConnectTimeoutSeconds, metricsIp, metricsPort,
                natsSecurity, security, drainTimeoutSeconds, limits);
    }

    public WorkerConfig withLimits(WorkerLimits newLimits) {
        return new WorkerConfig(natsUrl, redisUrl, workerIdPrefix, workers, listenIp, announcedIp, rtcMinPort, rtcMaxPort,
                logLevel, dtlsCertificateFile, dtlsPrivateKeyFile, natsConnectTimeoutSeconds, metricsIp, metricsPort,
                natsSecurity, redisSecurity, drainTimeoutSeconds, newLimits);
    }

    private static WorkerLimits limits(Map<Setting, String> raw, Map<Setting, String> names) throws ConfigException {
        WorkerLimits d = WorkerLimits.DEFAULTS;
        int max = WorkerLimits.MAX_COUNT;
        return new WorkerLimits(count(raw, names, Setting.MAX_ROUTERS, d.maxRouters(), max),
                count(raw, names, Setting.MAX_TRANSPORTS, d.maxTransports(), max),
                count(raw, names, Setting.MAX_CONSUMERS, d.maxConsumers(), max),
                count(raw, names, Setting.ICE_TCP_MAX_CONNECTIONS, d.iceTcpMaxConnections(), max),
                count(raw, names, Setting.ICE_TCP_MAX_PENDING_PER_SOURCE, d.iceTcpMaxPendingPerSource(), max),
                count(raw, names, Setting.ICE_TCP_VALIDATION_TIMEOUT, d.iceTcpValidationTimeoutSeconds(), 60));
    }

    private static int count(Map<Setting, String> raw, Map<Setting, String> names, Setting setting, int fallback,
            int max) throws ConfigException {
        return raw.containsKey(setting) ? SettingParsers.count(names.get(setting), raw.get(setting), max) : fallback;
    }

    /** The worker id of one loop. */
    public String workerId(int loopIndex) {
        return workerIdPrefix + "-" + loopIndex;
    }
}
