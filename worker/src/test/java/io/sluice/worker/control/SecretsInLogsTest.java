package io.sluice.worker.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.sluice.worker.WorkerProcess;
import io.sluice.worker.config.ConfigException;
import io.sluice.worker.config.WorkerConfig;
import io.sluice.worker.testsupport.CapturedLogs;
import io.sluice.worker.testsupport.NatsServerProcess;
import io.sluice.worker.testsupport.RedisServerProcess;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Credentials given in the URLs never reach the log: not on start, not while NATS or Redis is
 * away and back, not on close (every line is captured, DEBUG included), nor in a config error.
 */
class SecretsInLogsTest {

    private static final String NATS_PASSWORD = NatsPermissionsTest.password();
    private static final String REDIS_PASSWORD = NatsPermissionsTest.password();
    private static final Duration OUTAGE = Duration.ofSeconds(20);

    @Test
    void urlCredentialsAreRedactedOnStartDuringOutagesAndOnClose() throws Exception {
        try (NatsServerProcess nats = NatsServerProcess.withConfiguration(
                        "authorization { user: sluice, password: $PASSWORD }", Map.of("PASSWORD", NATS_PASSWORD));
                RedisServerProcess redis = RedisServerProcess.withArguments("--requirepass", REDIS_PASSWORD);
                CapturedLogs logs = CapturedLogs.start()) {
            WorkerConfig config = WorkerConfig.fromEnvironment(Map.of(
                    "NATS_URL", "nats://sluice:" + NATS_PASSWORD + "@127.0.0.1:" + nats.port(),
                    "REDIS_URL", "redis://:" + REDIS_PASSWORD + "@127.0.0.1:" + redis.port(),
                    "WORKERS", "1", "LISTEN_IP", "127.0.0.1", "RTC_MIN_PORT", "47200", "RTC_MAX_PORT", "47299"));
            assertThat(config.toString()).doesNotContain(NATS_PASSWORD, REDIS_PASSWORD);
            try (WorkerProcess worker = WorkerProcess.start(config)) {
                await().atMost(OUTAGE).until(() -> logs.text().contains("serving workers"));

                redis.stop();
                await().atMost(OUTAGE).until(() -> logs.text().contains("is unreachable"));
                redis.startAgain();
                await().atMost(OUTAGE).until(() -> logs.text().contains("is back"));

                nats.stop();
                await().atMost(OUTAGE).until(() -> logs.text().contains("lost NATS"));
                nats.startAgain();
                await().atMost(OUTAGE).until(() -> logs.text().contains("connected to NATS"));
            }
            assertThat(logs.text()).contains("nats://***@127.0.0.1:" + nats.port(),
                    "redis://***@127.0.0.1:" + redis.port(), "closed");
            assertThat(logs.text()).doesNotContain(NATS_PASSWORD, REDIS_PASSWORD);
        }
    }

    @Test
    void aBadUrlIsShownWithoutItsCredentials() {
        assertThatThrownBy(() -> WorkerConfig.fromEnvironment(Map.of("NATS_URL", "http://u:" + NATS_PASSWORD + "@h:1")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("http://***@h:1")
                .message().doesNotContain(NATS_PASSWORD);
    }
}
