package io.sluice.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.worker.testsupport.FreePort;
import io.sluice.worker.testsupport.ManagedProcess;
import io.sluice.worker.testsupport.NatsServerProcess;
import io.sluice.worker.testsupport.RedisServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stub's log as a child JVM writes it with the shipped logback.xml: jnats' own
 * java.util.logging records come out in the same line pattern as Sluice's.
 */
class OrchestratorLogTest {

    private static final String STAMP = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) ";

    @TempDir
    Path dir;

    @Test
    void jnatsJavaUtilLoggingRecordsUseTheSamePattern() throws Exception {
        try (NatsServerProcess nats = NatsServerProcess.start();
                RedisServerProcess redis = RedisServerProcess.start()) {
            List<String> command = List.of("env", "JOIN_SECRET=secret", "HTTP_PORT=" + FreePort.tcp(),
                    "NATS_URL=" + nats.url(), "REDIS_URL=" + redis.url(), "LOG_FORMAT=text",
                    ProcessHandle.current().info().command().orElseThrow(),
                    "-cp", System.getProperty("java.class.path"),
                    "-Dlogback.configurationFile=" + OrchestratorMain.class.getResource("/logback.xml"),
                    OrchestratorMain.class.getName());
            try (ManagedProcess stub = new ManagedProcess(command, dir.resolve("stub.log")).start()) {
                await().atMost(Duration.ofSeconds(60)).until(() -> stub.log().contains("orchestrator stub started"));

                nats.stop();

                await().atMost(Duration.ofSeconds(60)).until(() -> stub.log().contains("ErrorListenerLoggerImpl"));
                List<String> lines = stub.log().lines().toList();
                assertThat(lines).filteredOn(line -> line.contains("ErrorListenerLoggerImpl")).isNotEmpty()
                        .allMatch(line -> line.matches(STAMP + "(ERROR|WARN |INFO ) \\[[^]]+\\] i\\.n\\.c\\.[a-z.]*"
                                + "ErrorListenerLoggerImpl - .*"));
                // JUL's own format: "Dec 07, 2026 3:57:19 PM <class> <method>", then "SEVERE: <message>".
                assertThat(lines).as("JUL's own two-line records").noneMatch(line -> line.startsWith("SEVERE:")
                        || line.matches("[A-Z][a-z]{2} \\d\\d, \\d{4} .*"));
            }
        }
    }
}
