package io.sluice.orchestrator.signaling;

import static io.sluice.orchestrator.signaling.SignalingTestClient.data;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.orchestrator.OrchestratorMain;
import io.sluice.worker.WorkerProcess;
import io.sluice.worker.config.WorkerConfig;
import io.sluice.worker.testsupport.FreePort;
import io.sluice.worker.testsupport.ManagedProcess;
import io.sluice.worker.testsupport.NatsServerProcess;
import io.sluice.worker.testsupport.Patience;
import io.sluice.worker.testsupport.RedisServerProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stub's {@code /metrics}, {@code /healthz} and {@code /readyz} as its main program serves
 * them (a child JVM), with a real worker, NATS and Redis, and a browser-like client joining a room.
 */
class StubOperatorPortTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String SECRET = "operator-port-secret";

    @TempDir
    Path dir;

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The value of the first series line starting with {@code series} (name and labels), or -1. */
    private static double value(int port, String series) throws Exception {
        return get(port, "/metrics").body().lines().filter(line -> line.startsWith(series + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst().orElse(-1);
    }

    @Test
    void seriesFollowRoomsPeersSessionsAndWorkerRequestsAndReadinessFollowsNats() throws Exception {
        try (NatsServerProcess nats = NatsServerProcess.start();
                RedisServerProcess redis = RedisServerProcess.start();
                WorkerProcess worker = WorkerProcess.start(WorkerConfig.fromEnvironment(Map.of("NATS_URL", nats.url(),
                        "REDIS_URL", redis.url(), "WORKERS", "1", "WORKER_ID", "operator-port",
                        "LISTEN_IP", "127.0.0.1")))) {
            int httpPort = FreePort.tcp();
            int metricsPort = FreePort.tcp();
            List<String> command = List.of("env", "JOIN_SECRET=" + SECRET, "HTTP_PORT=" + httpPort,
                    "METRICS_PORT=" + metricsPort, "NATS_URL=" + nats.url(), "REDIS_URL=" + redis.url(),
                    ProcessHandle.current().info().command().orElseThrow(),
                    "-cp", System.getProperty("java.class.path"),
                    "-Dlogback.configurationFile=" + OrchestratorMain.class.getResource("/logback.xml"),
                    OrchestratorMain.class.getName());
            try (ManagedProcess stub = new ManagedProcess(command, dir.resolve("stub.log")).start()) {
                await().atMost(Patience.WAIT).until(() -> stub.log().contains("orchestrator stub started"));
                assertThat(get(metricsPort, "/healthz").statusCode()).isEqualTo(200);
                await().atMost(Patience.WAIT).until(() -> get(metricsPort, "/readyz").statusCode() == 200);
                assertThat(value(metricsPort, "sluice_stub_rooms")).isEqualTo(0);

                String token = new JoinToken("ada", "ops-room", Set.of(JoinToken.AUDIO))
                        .sign(SECRET.getBytes(StandardCharsets.UTF_8), java.time.Instant.now().plusSeconds(3600));
                try (SignalingTestClient client = new SignalingTestClient(httpPort)) {
                    await().atMost(Patience.WAIT).until(() -> value(metricsPort, "sluice_stub_websocket_sessions") == 1);
                    client.ok("join", data("roomId", "ops-room", "token", token));

                    assertThat(value(metricsPort, "sluice_stub_rooms")).isEqualTo(1);
                    assertThat(value(metricsPort, "sluice_stub_peers")).isEqualTo(1);
                    assertThat(value(metricsPort,
                            "sluice_stub_worker_requests_total{method=\"worker.createRouter\",outcome=\"OK\"}"))
                            .isGreaterThanOrEqualTo(1);
                }
                await().atMost(Patience.WAIT).until(() -> value(metricsPort, "sluice_stub_websocket_sessions") == 0
                        && value(metricsPort, "sluice_stub_peers") == 0);
                assertThat(get(metricsPort, "/metrics").body()).contains("jvm_memory_used_bytes{", "process_open_fds");

                nats.stop();
                await().atMost(Patience.WAIT).until(() -> get(metricsPort, "/readyz").statusCode() == 503);
                assertThat(get(metricsPort, "/readyz").body()).startsWith("NATS is ");
                assertThat(get(metricsPort, "/healthz").statusCode()).isEqualTo(200);
            }
        }
    }
}
