package io.sluice.worker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class WorkerConfigTest {

    private static final HostFacts FACTS = new HostFacts("Media-Box_7.eu.example.com", 6, "7f3a");

    private static WorkerConfig parse(Map<String, String> env, String... args) throws ConfigException {
        WorkerCommandLine.Parsed parsed = WorkerCommandLine.parse(args, env, FACTS);
        assertThat(parsed.helpRequested()).isFalse();
        return parsed.config();
    }

    @Test
    void defaultsWithAnEmptyEnvironment() throws ConfigException {
        WorkerConfig config = parse(Map.of());

        assertThat(config).isEqualTo(new WorkerConfig("nats://127.0.0.1:4222", "redis://127.0.0.1:6379",
                "media-box_7-7f3a", 6, "127.0.0.1", "127.0.0.1", 40000, 49999, "info"));
        assertThat(config.workerId(1)).isEqualTo("media-box_7-7f3a-1");
    }

    @Test
    void everyVariableIsRead() throws ConfigException {
        WorkerConfig config = parse(Map.of(
                "NATS_URL", "nats://10.0.0.5:4333,nats://10.0.0.6:4333",
                "REDIS_URL", "redis://127.0.0.1:7000/2",
                "WORKER_ID", "eu1-a",
                "WORKERS", "3",
                "LISTEN_IP", "0.0.0.0",
                "ANNOUNCED_IP", "media.example.com",
                "RTC_MIN_PORT", "50000",
                "RTC_MAX_PORT", "50010",
                "LOG_LEVEL", "DEBUG"));

        assertThat(config).isEqualTo(new WorkerConfig("nats://10.0.0.5:4333,nats://10.0.0.6:4333",
                "redis://127.0.0.1:7000/2", "eu1-a", 3, "0.0.0.0", "media.example.com", 50000, 50010, "debug"));
    }

    @Test
    void dtlsCertificateAndKeyFilesGoTogetherAndMustBeReadable(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path certificate = java.nio.file.Files.writeString(dir.resolve("cert.pem"), "x");
        java.nio.file.Path key = java.nio.file.Files.writeString(dir.resolve("key.pem"), "y");

        WorkerConfig config = parse(Map.of("DTLS_CERTIFICATE_FILE", certificate.toString(),
                "DTLS_PRIVATE_KEY_FILE", key.toString()));
        assertThat(config.dtlsCertificateFile()).isEqualTo(certificate.toString());
        assertThat(config.dtlsPrivateKeyFile()).isEqualTo(key.toString());
        assertThat(parse(Map.of()).dtlsCertificateFile()).isEmpty();

        assertThatThrownBy(() -> parse(Map.of("DTLS_CERTIFICATE_FILE", certificate.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessage("DTLS_CERTIFICATE_FILE and DTLS_PRIVATE_KEY_FILE go together: set both or neither");
        assertThatThrownBy(() -> parse(Map.of("DTLS_CERTIFICATE_FILE", dir.resolve("missing.pem").toString(),
                "DTLS_PRIVATE_KEY_FILE", key.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessage("DTLS_CERTIFICATE_FILE must name a readable file, got \"" + dir.resolve("missing.pem") + "\"");
    }

    @Test
    void flagsWinOverVariables() throws ConfigException {
        WorkerConfig config = parse(Map.of("WORKERS", "3", "RTC_MIN_PORT", "abc", "LISTEN_IP", "::1"),
                "--workers", "2", "--rtc-min-port=41000", "--announced-ip", "192.0.2.7");

        assertThat(config.workers()).isEqualTo(2);
        assertThat(config.rtcMinPort()).isEqualTo(41000);
        assertThat(config.listenIp()).isEqualTo("::1");
        assertThat(config.announcedIp()).isEqualTo("192.0.2.7");
    }

    @Test
    void announcedIpDefaultsToListenIp() throws ConfigException {
        assertThat(parse(Map.of("LISTEN_IP", "127.0.0.2")).announcedIp()).isEqualTo("127.0.0.2");
    }

    @Test
    void emptyVariablesCountAsUnset() throws ConfigException {
        assertThat(parse(Map.of("ANNOUNCED_IP", "", "WORKERS", " ")).workers()).isEqualTo(6);
    }

    @Test
    void helpIsRecognisedEvenWithABadEnvironment() throws ConfigException {
        assertThat(WorkerCommandLine.parse(new String[] {"--help"}, Map.of("WORKERS", "x"), FACTS).helpRequested())
                .isTrue();
    }

    @Test
    void helpListsEveryFlagVariableAndDefault() {
        String usage = WorkerCommandLine.usage(FACTS);

        for (Setting setting : Setting.values()) {
            assertThat(usage).contains(setting.flag()).contains("Env " + setting.variable());
        }
        assertThat(usage).contains("nats://127.0.0.1:4222", "redis://127.0.0.1:6379", "40000", "49999",
                "(here media-box_7-7f3a)", "(here 6)");
    }

    static Stream<Arguments> badSettings() {
        return Stream.of(
                Arguments.of(Map.of("RTC_MIN_PORT", "abc"), new String[0],
                        "RTC_MIN_PORT must be a port number (1-65535), got \"abc\""),
                Arguments.of(Map.of("RTC_MAX_PORT", "70000"), new String[0],
                        "RTC_MAX_PORT must be a port number (1-65535), got \"70000\""),
                Arguments.of(Map.of("RTC_MIN_PORT", "0"), new String[0],
                        "RTC_MIN_PORT must be a port number (1-65535), got \"0\""),
                Arguments.of(Map.of("RTC_MIN_PORT", "5000", "RTC_MAX_PORT", "4000"), new String[0],
                        "RTC_MAX_PORT must be at least RTC_MIN_PORT (5000), got \"4000\""),
                Arguments.of(Map.of(), new String[] {"--rtc-min-port", "-1"},
                        "--rtc-min-port must be a port number (1-65535), got \"-1\""),
                Arguments.of(Map.of("WORKERS", "0"), new String[0],
                        "WORKERS must be a number of event loops (1-1024), got \"0\""),
                Arguments.of(Map.of("WORKERS", "2.5"), new String[0],
                        "WORKERS must be a number of event loops (1-1024), got \"2.5\""),
                Arguments.of(Map.of("WORKER_ID", "eu1.a"), new String[0],
                        "WORKER_ID must be 1 to 48 of [A-Za-z0-9_-], got \"eu1.a\""),
                Arguments.of(Map.of("NATS_URL", "127.0.0.1:4222"), new String[0],
                        "NATS_URL must be a URL like nats://host:port, got \"127.0.0.1:4222\""),
                Arguments.of(Map.of("NATS_URL", "nats://a:1,http://b:2"), new String[0],
                        "NATS_URL must be a URL like nats://host:port, got \"nats://a:1,http://b:2\""),
                Arguments.of(Map.of("REDIS_URL", "http://127.0.0.1:6379"), new String[0],
                        "REDIS_URL must be a URL like redis://host:port, got \"http://127.0.0.1:6379\""),
                Arguments.of(Map.of("LISTEN_IP", "localhost"), new String[0],
                        "LISTEN_IP must be an IPv4 or IPv6 address, got \"localhost\""),
                Arguments.of(Map.of("LISTEN_IP", "0.0.0.0"), new String[0],
                        "ANNOUNCED_IP must be set when LISTEN_IP is a wildcard address, got \"0.0.0.0\""),
                Arguments.of(Map.of("ANNOUNCED_IP", "bad host!"), new String[0],
                        "ANNOUNCED_IP must be an IP address or a host name, got \"bad host!\""),
                Arguments.of(Map.of("LOG_LEVEL", "verbose"), new String[0],
                        "LOG_LEVEL must be one of trace, debug, info, warn, error, off, got \"verbose\""),
                Arguments.of(Map.of(), new String[] {"--workers"},
                        "Missing required parameter for option '--workers' (N) (see --help)"),
                Arguments.of(Map.of(), new String[] {"--frobnicate"},
                        "Unknown option: '--frobnicate' (see --help)"));
    }

    @ParameterizedTest
    @MethodSource("badSettings")
    void aBadSettingIsOneLineNamingIt(Map<String, String> env, String[] args, String message) {
        assertThatThrownBy(() -> WorkerCommandLine.parse(args, env, FACTS))
                .isInstanceOf(ConfigException.class)
                .hasMessage(message)
                .message().doesNotContain("\n");
    }

    @Test
    void aConfigBuiltInCodeIsCheckedToo() {
        assertThatThrownBy(() -> new WorkerConfig("nats://127.0.0.1:4222", "redis://127.0.0.1:6379", "a b", 1,
                "127.0.0.1", "127.0.0.1", 40000, 49999, "info"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("WORKER_ID must be 1 to 48 of [A-Za-z0-9_-], got \"a b\"");
    }

    @Test
    void hostNamesAreSanitisedIntoAPrefix() {
        assertThat(new HostFacts("ip-10-0-0-1.ec2.internal", 2, "00ff").defaultWorkerIdPrefix())
                .isEqualTo("ip-10-0-0-1-00ff");
        assertThat(new HostFacts("Ünïcode host", 2, "0001").defaultWorkerIdPrefix()).isEqualTo("-n-code-host-0001");
        assertThat(new HostFacts("", 2, "0001").defaultWorkerIdPrefix()).isEqualTo("sluice-0001");
        assertThat(new HostFacts("x".repeat(80), 2, "0001").defaultWorkerIdPrefix()).hasSize(37);
    }
}
