package io.sluice.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Subscription;
import io.sluice.worker.control.HeartbeatPublisher;
import io.sluice.worker.control.WorkerControl;
import io.sluice.worker.registry.WorkerLease;
import io.sluice.worker.testsupport.FreePort;
import io.sluice.worker.testsupport.ManagedProcess;
import io.sluice.worker.testsupport.NatsServerProcess;
import io.sluice.worker.testsupport.RedisServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice-worker} as a real child JVM: help, version, bad settings, an unreachable NATS,
 * the log formats, SIGKILL and SIGTERM.
 */
class WorkerMainTest {

    @TempDir
    Path dir;

    private static List<String> javaCommand(String... args) {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElseThrow(),
                "-XX:+ExitOnOutOfMemoryError",
                "-cp", System.getProperty("java.class.path"),
                // The shipped logback.xml, not the tests' quiet one.
                "-Dlogback.configurationFile=" + WorkerMain.class.getResource("/logback.xml"),
                WorkerMain.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    private record Outcome(int exitCode, String stdout, String stderr) {}

    private Outcome run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(javaCommand(args))
                .redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("RTC_") || name.equals("WORKERS")
                || name.endsWith("_URL") || name.startsWith("LOG_") || name.endsWith("_IP") || name.startsWith("NATS_"));
        builder.environment().putAll(env);
        Process child = builder.start();
        if (!child.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
            child.destroyForcibly();
            throw new AssertionError("sluice-worker did not exit");
        }
        return new Outcome(child.exitValue(), Files.readString(dir.resolve("out.txt")),
                Files.readString(dir.resolve("err.txt")));
    }

    @Test
    void helpListsEveryFlagWithItsVariableAndDefault() throws Exception {
        Outcome outcome = run(Map.of(), "--help");

        assertThat(outcome.exitCode()).isZero();
        assertThat(outcome.stdout()).contains("Usage: sluice-worker", "--nats-url=URL", "Env NATS_URL",
                "default: nats://127.0.0.1:4222", "--rtc-min-port=PORT", "default: 40000", "--log-level");
    }

    @Test
    void aBadVariableStopsWithOneLineAndStatusTwo() throws Exception {
        Outcome outcome = run(Map.of("RTC_MIN_PORT", "abc"));

        assertThat(outcome.exitCode()).isEqualTo(2);
        assertThat(outcome.stderr()).isEqualTo("sluice-worker: RTC_MIN_PORT must be a port number (1-65535), got \"abc\""
                + System.lineSeparator());
        assertThat(outcome.stdout()).isEmpty();
    }

    @Test
    void anUnknownFlagStopsWithOneLineAndStatusTwo() throws Exception {
        Outcome outcome = run(Map.of(), "--rtc-port", "5");

        assertThat(outcome.exitCode()).isEqualTo(2);
        assertThat(outcome.stderr().lines()).singleElement().asString()
                .startsWith("sluice-worker: Unknown options: '--rtc-port'");
    }

    @Test
    void versionPrintsTheProgramAndItsVersion() throws Exception {
        Outcome outcome = run(Map.of(), "--version");

        assertThat(outcome.exitCode()).isZero();
        assertThat(outcome.stdout()).startsWith("sluice-worker " + WorkerControl.VERSION + " (Java ");
    }

    @Test
    void aListenIpThatIsNotThisHostsStopsWithOneLineAndStatusTwo() throws Exception {
        // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): never an address of a test machine.
        Outcome outcome = run(Map.of("LISTEN_IP", "192.0.2.7"));

        assertThat(outcome.exitCode()).isEqualTo(2);
        assertThat(outcome.stderr().lines()).singleElement().asString()
                .startsWith("sluice-worker: LISTEN_IP 192.0.2.7 is not an address of this host (its addresses: ")
                .contains("127.0.0.1");
    }

    @Test
    void aWrongLogFormatStopsWithOneLineAndStatusTwo() throws Exception {
        Outcome outcome = run(Map.of("LOG_FORMAT", "xml"));

        assertThat(outcome.exitCode()).isEqualTo(2);
        assertThat(outcome.stderr()).isEqualTo("sluice-worker: LOG_FORMAT must be text or json, got \"xml\""
                + System.lineSeparator());
    }

    @Test
    void anUnreachableNatsIsRetriedWithALineEachThenGivesUpWithStatusOne() throws Exception {
        String url = "nats://127.0.0.1:" + FreePort.tcp();
        Outcome outcome = run(Map.of("NATS_URL", url, "NATS_CONNECT_TIMEOUT", "2"));

        assertThat(outcome.exitCode()).isEqualTo(1);
        List<String> lines = outcome.stderr().lines().toList();
        String stamp = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) ";
        assertThat(lines).filteredOn(line -> line.contains("; attempt ")).hasSizeGreaterThanOrEqualTo(2)
                .allMatch(line -> line.matches(stamp + "WARN  \\[main\\] i\\.s\\.worker\\.control\\.NatsConnector - NATS at "
                        + java.util.regex.Pattern.quote(url) + " is not reachable .*; attempt \\d+, next in \\d+ ms, "
                        + "giving up after 2 s"), "the pattern with date, level, thread and logger");
        assertThat(lines.getLast()).matches(stamp + "ERROR \\[main\\] io\\.sluice\\.worker\\.WorkerMain - could not start: .*"
                + "NATS at " + java.util.regex.Pattern.quote(url) + " not reachable within 2 s \\(\\d+ attempts, last: .*");
    }

    @Test
    void logFormatJsonWritesOneObjectPerLine() throws Exception {
        Outcome outcome = run(Map.of("NATS_URL", "nats://127.0.0.1:" + FreePort.tcp(), "NATS_CONNECT_TIMEOUT", "1",
                "LOG_FORMAT", "json"));

        assertThat(outcome.exitCode()).isEqualTo(1);
        assertThat(outcome.stderr().lines().toList()).isNotEmpty().allSatisfy(line -> assertThat(line)
                .startsWith("{").endsWith("}")
                .containsPattern("\"timestamp\":\\d+")
                .containsPattern("\"level\":\"(WARN|ERROR)\"")
                .containsPattern("\"threadName\":\"[^\"]+\"")
                .containsPattern("\"loggerName\":\"io\\.sluice\\.worker\\.[A-Za-z.]+\"")
                .contains("\"formattedMessage\":\""));
    }

    /** How long a busy machine may take to start a child JVM, or to end it on SIGTERM. */
    private static final Duration WAIT = Duration.ofSeconds(120);

    /** A child with one loop, whose worker id is therefore {@code <prefix>-0}. */
    private ManagedProcess startChild(NatsServerProcess nats, RedisServerProcess redis, String prefix) {
        return new ManagedProcess(javaCommand("--nats-url", nats.url(), "--redis-url", redis.url(),
                "--worker-id", prefix, "--workers", "1"), dir.resolve("worker.log")).start();
    }

    /**
     * Waits until the child has most likely installed its SIGTERM hook: the registry entry is written
     * and "serving workers" logged before WorkerMain adds the hook, so a SIGTERM right after them
     * once found no hook yet on a loaded machine ("Shutdown in progress") and left the entry to its
     * lease. A heartbeat published after that line is a later marker, from another thread; nothing
     * outside the child can see the hook itself.
     */
    private static void awaitShutdownHook(ManagedProcess worker, Connection bus, String workerId) throws Exception {
        await().atMost(WAIT).until(() -> worker.log().contains("serving workers"));
        Subscription heartbeats = bus.subscribe(HeartbeatPublisher.subject(workerId));
        bus.flush(WAIT);
        assertThat(heartbeats.nextMessage(WAIT)).as("a heartbeat after start-up").isNotNull();
        heartbeats.unsubscribe();
    }

    private static boolean exists(StatefulRedisConnection<String, String> redis, String key) {
        return redis.sync().exists(key) == 1;
    }

    @Test
    void afterSigkillTheRegistryEntryExpiresWithinItsLease() throws Exception {
        try (NatsServerProcess nats = NatsServerProcess.start();
                RedisServerProcess redis = RedisServerProcess.start()) {
            RedisClient client = RedisClient.create(redis.url());
            String prefix = "kill-" + UUID.randomUUID().toString().substring(0, 8);
            String key = WorkerLease.key(prefix + "-0");
            try (StatefulRedisConnection<String, String> connection = client.connect();
                    ManagedProcess worker = startChild(nats, redis, prefix)) {
                await().atMost(WAIT).until(() -> exists(connection, key));

                worker.kill();

                assertThat(worker.isAlive()).isFalse();
                // What the last heartbeat left: an entry that Redis expires by itself at most one
                // lease after that heartbeat (-2: already expired; -1 would be an entry without TTL).
                assertThat(connection.sync().pttl(key)).as("TTL left after SIGKILL, ms")
                        .isNotEqualTo(-1L).isLessThanOrEqualTo(WorkerLease.TTL_MS);
                await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> !exists(connection, key));
            } finally {
                client.shutdown();
            }
        }
    }

    @Test
    void afterSigtermTheRegistryEntryIsGoneAtOnce() throws Exception {
        try (NatsServerProcess nats = NatsServerProcess.start();
                RedisServerProcess redis = RedisServerProcess.start()) {
            RedisClient client = RedisClient.create(redis.url());
            String prefix = "term-" + UUID.randomUUID().toString().substring(0, 8);
            String key = WorkerLease.key(prefix + "-0");
            try (StatefulRedisConnection<String, String> connection = client.connect();
                    ManagedProcess worker = startChild(nats, redis, prefix);
                    Connection bus = Nats.connect(nats.url())) {
                await().atMost(WAIT).until(() -> exists(connection, key));
                awaitShutdownHook(worker, bus, prefix + "-0");

                assertThat(worker.terminate(WAIT)).as("exited on SIGTERM; worker log:%n%s", worker.log()).isTrue();

                assertThat(exists(connection, key)).as("entry after SIGTERM; worker log:%n%s", worker.log()).isFalse();
            } finally {
                client.shutdown();
            }
        }
    }
}
