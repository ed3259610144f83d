package io.sluice.worker.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.sluice.api.v1.ErrorCode;
import io.sluice.api.v1.IceCandidate;
import io.sluice.api.v1.RouterCreateWebRtcTransportRequest;
import io.sluice.api.v1.RouterCreateWebRtcTransportResponse;
import io.sluice.api.v1.TransportProtocol;
import io.sluice.api.v1.WebRtcTransportInfo;
import io.sluice.api.v1.WorkerCreateRouterResponse;
import io.sluice.worker.WorkerMain;
import io.sluice.worker.testsupport.ManagedProcess;
import io.sluice.worker.testsupport.NatsServerProcess;
import io.sluice.worker.testsupport.Patience;
import io.sluice.worker.testsupport.RedisServerProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Defect 6 of issue 12, the file descriptor part: a worker JVM started under {@code prlimit} with
 * few descriptors is filled with ICE-TCP connections (the caps set far above the limit). A new
 * transport must then fail with RESOURCE_EXHAUSTED saying the process is out of file descriptors,
 * not "no free port", and the failing accepts must be reported once, not every second.
 */
class FileDescriptorExhaustionTest {

    private static final Duration WAIT = Patience.WAIT;
    private static final int DESCRIPTOR_LIMIT = 600;

    @TempDir
    Path dir;

    /**
     * The test's class path with every directory packed into a jar, as a deployment runs: a class
     * loaded from a directory needs a descriptor of its own, which a process out of them lacks.
     */
    private String jarredClassPath() throws IOException, InterruptedException {
        Path jarTool = Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("jar");
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (!Files.isDirectory(Path.of(entry))) {
                entries.add(entry);
                continue;
            }
            Path jar = dir.resolve("classes-" + entries.size() + ".jar");
            Process pack = new ProcessBuilder(jarTool.toString(), "--create", "--file", jar.toString(), "-C", entry, ".")
                    .inheritIO().start();
            assertThat(pack.waitFor()).as("jar of %s", entry).isZero();
            entries.add(jar.toString());
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    private List<String> workerCommand() throws IOException, InterruptedException {
        return List.of("prlimit", "--nofile=" + DESCRIPTOR_LIMIT + ":" + DESCRIPTOR_LIMIT, "--",
                ProcessHandle.current().info().command().orElseThrow(), "-Xmx256m",
                "-cp", jarredClassPath(),
                "-Dlogback.configurationFile=" + WorkerMain.class.getResource("/logback.xml"),
                WorkerMain.class.getName());
    }

    private static long openDescriptors(long pid) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.count();
        }
    }

    @Test
    void aWorkerOutOfDescriptorsSaysSoOnceAndRefusesTransportsWithThatReason() throws Exception {
        List<Socket> connections = new ArrayList<>();
        try (NatsServerProcess nats = NatsServerProcess.start();
                RedisServerProcess redis = RedisServerProcess.start();
                ManagedProcess worker = new ManagedProcess(workerCommand(), Map.of("NATS_URL", nats.url(),
                        "REDIS_URL", redis.url(), "WORKERS", "1", "WORKER_ID", "fd", "LISTEN_IP", "127.0.0.1",
                        "RTC_MIN_PORT", "47200", "RTC_MAX_PORT", "47299", "ICE_TCP_MAX_CONNECTIONS", "100000",
                        "ICE_TCP_MAX_PENDING_PER_SOURCE", "100000", "ICE_TCP_VALIDATION_TIMEOUT", "60"),
                        dir.resolve("worker.log")).start();
                Connection connection = Nats.connect(nats.url())) {
            await().atMost(WAIT).until(() -> worker.log().contains("serving workers"));
            ControlClient client = new ControlClient(connection, WAIT);
            String routerId = client.call("fd-0", "worker.createRouter", WorkerControlTest.opusAndVp8("room-fd"))
                    .as(WorkerCreateRouterResponse.parser()).getRouterId();
            RouterCreateWebRtcTransportRequest request = RouterCreateWebRtcTransportRequest.newBuilder()
                    .setRouterId(routerId).setUserId("u").build();
            WebRtcTransportInfo transport = client.call("fd-0", "router.createWebRtcTransport", request)
                    .as(RouterCreateWebRtcTransportResponse.parser()).getTransport();
            IceCandidate tcp = transport.getIceCandidatesList().stream()
                    .filter(c -> c.getProtocol() == TransportProtocol.TCP).findFirst().orElseThrow();
            InetSocketAddress to = new InetSocketAddress(tcp.getAddress(), tcp.getPort());

            long spare = DESCRIPTOR_LIMIT - openDescriptors(worker.pid());
            // Enough to use every spare descriptor, plus some that wait in the listen backlog.
            for (int i = 0; i < spare + 20; i++) {
                Socket socket = new Socket();
                socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.4." + (1 + i % 200)), 0));
                try {
                    socket.connect(to, 2_000);
                    connections.add(socket);
                } catch (IOException backlogFull) {
                    socket.close();
                }
            }
            await().atMost(WAIT).untilAsserted(() -> assertThat(worker.log()).contains("out of file descriptors"));

            ControlClient.Reply refused = client.call("fd-0", "router.createWebRtcTransport", request);
            assertThat(refused.code()).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
            assertThat(refused.error().getMessage()).contains("out of file descriptors").doesNotContain("no free port");
            // An absence can only be checked over time: the listener retries every second while
            // descriptors lack, so three seconds would show three lines if each were logged.
            Thread.sleep(3_000);
            assertThat(worker.log().lines().filter(line -> line.contains("ICE-TCP cannot accept"))).hasSize(1);
            assertThat(worker.log()).doesNotContain("Too many open files\n\tat");
        } finally {
            for (Socket socket : connections) {
                socket.close();
            }
        }
    }
}
