package io.sluice.worker.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.nats.client.Connection;
import io.nats.client.NKey;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.sluice.api.bus.NatsSecurity;
import io.sluice.api.bus.RedisSecurity;
import io.sluice.api.bus.TlsFiles;
import io.sluice.api.v1.WorkerDumpRequest;
import io.sluice.api.v1.WorkerDumpResponse;
import io.sluice.worker.WorkerProcess;
import io.sluice.worker.config.WorkerConfig;
import io.sluice.worker.testsupport.NatsServerProcess;
import io.sluice.worker.testsupport.Patience;
import io.sluice.worker.testsupport.RedisServerProcess;
import io.sluice.worker.testsupport.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ways docs/security.md offers to authenticate to NATS and Redis, each against a real server
 * set up to require it: the right credentials connect, none or wrong ones are refused. (A
 * credentials file goes to jnats' own reader; no test here runs nats-server in operator mode.) The worker
 * itself is started once with token, Redis ACL user and Redis TLS from its environment.
 */
class BusCredentialsTest {

    private static final Duration TIMEOUT = Patience.WAIT;
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path directory;

    @Test
    void natsTokenConnectsAndNoTokenIsRefused() throws Exception {
        String token = NatsPermissionsTest.password();
        try (NatsServerProcess nats = NatsServerProcess.withConfiguration("authorization { token: $TOKEN }",
                Map.of("TOKEN", token))) {
            assertConnects(nats, new NatsSecurity("", "", "", "", token, TlsFiles.NONE, ""));
            assertRefused(nats, NatsSecurity.NONE);
            assertRefused(nats, new NatsSecurity("", "", "", "", token + "x", TlsFiles.NONE, ""));
        }
    }

    @Test
    void natsNkeySeedFileConnectsAndAnotherKeyIsRefused() throws Exception {
        NKey user = NKey.createUser(RANDOM);
        Path seed = Files.writeString(directory.resolve("user.nk"), new String(user.getSeed()) + "\n");
        Path otherSeed = Files.writeString(directory.resolve("other.nk"), new String(NKey.createUser(RANDOM).getSeed()));
        try (NatsServerProcess nats = NatsServerProcess.withConfiguration(
                "authorization { users: [ { nkey: " + new String(user.getPublicKey()) + " } ] }", Map.of())) {
            assertConnects(nats, new NatsSecurity("", seed.toString(), "", "", "", TlsFiles.NONE, ""));
            assertRefused(nats, new NatsSecurity("", otherSeed.toString(), "", "", "", TlsFiles.NONE, ""));
        }
    }

    @Test
    void natsTlsWithAClientCertificateConnectsAndWithoutOneIsRefused() throws Exception {
        TestCertificates certificates = TestCertificates.create(directory);
        String configuration = "tls { cert_file: \"" + certificates.serverCertificate() + "\", key_file: \""
                + certificates.serverKey() + "\", ca_file: \"" + certificates.ca() + "\", verify: true, timeout: 5 }";
        try (NatsServerProcess nats = NatsServerProcess.withConfiguration(configuration, Map.of())) {
            assertConnects(nats, new NatsSecurity("", "", "", "", "", new TlsFiles(certificates.ca().toString(),
                    certificates.clientCertificate().toString(), certificates.clientKey().toString()), ""));
            assertRefused(nats, new NatsSecurity("", "", "", "", "",
                    new TlsFiles(certificates.ca().toString(), "", ""), ""));
        }
    }

    @Test
    void redisAclUserConnectsAndTheDefaultUserIsOff() throws Exception {
        String password = NatsPermissionsTest.password();
        try (RedisServerProcess redis = RedisServerProcess.withArguments(
                "--user", "default", "off", "--user", "sluice", "on", ">" + password, "~sluice:*", "+@all")) {
            assertThat(ping(redis.url(), new RedisSecurity("sluice", password, TlsFiles.NONE))).isEqualTo("PONG");
            assertThatThrownBy(() -> ping(redis.url(), RedisSecurity.NONE)).hasStackTraceContaining("NOAUTH");
            assertThatThrownBy(() -> ping(redis.url(), new RedisSecurity("sluice", password + "x", TlsFiles.NONE)))
                    .hasStackTraceContaining("WRONGPASS");
        }
    }

    @Test
    void theWorkerServesWithANatsTokenAndWritesItsLeaseAsARedisAclUserOverTls() throws Exception {
        TestCertificates certificates = TestCertificates.create(directory);
        String token = NatsPermissionsTest.password();
        String redisPassword = NatsPermissionsTest.password();
        try (NatsServerProcess nats = NatsServerProcess.withConfiguration("authorization { token: $TOKEN }",
                        Map.of("TOKEN", token));
                RedisServerProcess redis = RedisServerProcess.withArguments("--port", "0", "--tls-port",
                        RedisServerProcess.PORT, "--tls-cert-file", certificates.serverCertificate().toString(),
                        "--tls-key-file", certificates.serverKey().toString(), "--tls-ca-cert-file",
                        certificates.ca().toString(), "--tls-auth-clients", "yes", "--user", "default", "off",
                        "--user", "worker", "on", ">" + redisPassword, "~sluice:*", "+@all")) {
            Map<String, String> env = new HashMap<>(Map.of("NATS_URL", nats.url(), "NATS_TOKEN", token,
                    "REDIS_URL", redis.url(), "REDIS_USER", "worker", "REDIS_PASSWORD", redisPassword,
                    "REDIS_TLS_CA_FILE", certificates.ca().toString(),
                    "REDIS_TLS_CERT_FILE", certificates.clientCertificate().toString(),
                    "REDIS_TLS_KEY_FILE", certificates.clientKey().toString()));
            env.putAll(Map.of("WORKERS", "1", "WORKER_ID", "credentials", "LISTEN_IP", "127.0.0.1",
                    "RTC_MIN_PORT", "47300", "RTC_MAX_PORT", "47399"));
            RedisSecurity reader = new RedisSecurity("worker", redisPassword, new TlsFiles(certificates.ca().toString(),
                    certificates.clientCertificate().toString(), certificates.clientKey().toString()));
            try (WorkerProcess worker = WorkerProcess.start(WorkerConfig.fromEnvironment(env));
                    Connection client = connect(nats, new NatsSecurity("", "", "", "", token, TlsFiles.NONE, ""))) {
                WorkerDumpResponse dump = new ControlClient(client, TIMEOUT)
                        .call("credentials-0", "worker.dump", WorkerDumpRequest.getDefaultInstance())
                        .as(WorkerDumpResponse.parser());
                assertThat(dump.getWorkerId()).isEqualTo("credentials-0");
                await().atMost(TIMEOUT).until(() -> "1".equals(command(redis.url(), reader,
                        "EXISTS", "sluice:worker:credentials-0")));
            }
        }
    }

    private static void assertConnects(NatsServerProcess nats, NatsSecurity security) throws Exception {
        try (Connection connection = connect(nats, security)) {
            connection.flush(TIMEOUT);
            assertThat(connection.getStatus()).isEqualTo(Connection.Status.CONNECTED);
        }
    }

    private static void assertRefused(NatsServerProcess nats, NatsSecurity security) {
        assertThatThrownBy(() -> connect(nats, security).close()).isInstanceOf(Exception.class);
    }

    private static Connection connect(NatsServerProcess nats, NatsSecurity security) throws Exception {
        return Nats.connect(security.applyTo(Options.builder().server(nats.url()).noReconnect()
                .connectionTimeout(Duration.ofSeconds(5)).errorListener(new NatsPermissionsTest.Violations())).build());
    }

    private static String ping(String url, RedisSecurity security) throws Exception {
        return command(url, security, "PING");
    }

    private static String command(String url, RedisSecurity security, String... command) throws Exception {
        RedisClient client = RedisClient.create(security.uri(url));
        client.setOptions(security.applyTo(ClientOptions.builder()).build());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            return switch (command[0]) {
                case "PING" -> connection.sync().ping();
                case "EXISTS" -> Long.toString(connection.sync().exists(command[1]));
                default -> throw new IllegalArgumentException(command[0]);
            };
        } finally {
            client.shutdown();
        }
    }
}
