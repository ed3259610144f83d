package io.sluice.worker.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.api.v1.ErrorCode;
import io.sluice.api.v1.PlainTransportInfo;
import io.sluice.api.v1.RouterDumpRequest;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /metrics}, {@code /healthz} and {@code /readyz} of a worker process on real NATS and
 * Redis, scraped over HTTP while real requests and datagrams reach it.
 */
class WorkerMetricsTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static RunningWorker worker;

    @BeforeAll
    static void start() throws Exception {
        worker = RunningWorker.start("metrics", 45000);
    }

    @AfterAll
    static void stop() throws Exception {
        if (worker != null) {
            worker.close();
        }
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + worker.process.metricsPort() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The value of the one series named {@code name} whose labels contain every one of {@code labels}. */
    private static double value(String name, String... labels) throws Exception {
        String text = get("/metrics").body();
        return text.lines()
                .filter(line -> line.startsWith(name + "{") && Arrays.stream(labels).allMatch(line::contains))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElse(Double.NaN);
    }

    private String worker() {
        return "worker=\"" + worker.workerId + "\"";
    }

    @Test
    void healthAnswersAndReadinessFollowsNats() throws Exception {
        assertThat(get("/healthz").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/readyz").statusCode() == 200);
        assertThat(get("/nothing").statusCode()).isEqualTo(404);

        worker.nats.stop();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> get("/readyz").statusCode() == 503);
            assertThat(get("/readyz").body()).startsWith("NATS is ");
            assertThat(get("/healthz").statusCode()).isEqualTo(200);
        } finally {
            worker.nats.startAgain();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> get("/readyz").statusCode() == 200);
    }

    @Test
    void controlRequestsAreTimedByMethodAndErrorsCountedByCode() throws Exception {
        String routerId = worker.createRouter("metrics-room");
        ErrorCode missing = worker.client.call(worker.workerId, "router.dump",
                RouterDumpRequest.newBuilder().setRouterId("no-such-router").build()).code();

        assertThat(missing).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(value("sluice_control_request_duration_seconds_count", "method=\"worker.createRouter\"",
                "code=\"OK\"")).isGreaterThanOrEqualTo(1);
        assertThat(value("sluice_control_request_duration_seconds_count", "method=\"router.dump\"",
                "code=\"NOT_FOUND\"")).isGreaterThanOrEqualTo(1);
        assertThat(value("sluice_control_errors_total", "code=\"NOT_FOUND\"")).isGreaterThanOrEqualTo(1);
        assertThat(value("sluice_routers", worker())).isGreaterThanOrEqualTo(1);
        assertThat(routerId).isNotEmpty();
    }

    @Test
    void datagramsAreCountedPerLoopAndDropsByReason() throws Exception {
        String routerId = worker.createRouter("metrics-traffic");
        PlainTransportInfo transport = worker.createPlainTransport(routerId, false);
        try (DatagramSocket peer = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                DatagramSocket stranger = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            worker.connectPlainTransport(transport.getId(), peer.getLocalPort());
            double receivedBefore = value("sluice_packets_received_total", worker());
            double unknownBefore = value("sluice_packets_dropped_total", worker(), "reason=\"unknown_packet\"");
            double strangerBefore = value("sluice_packets_dropped_total", worker(), "reason=\"unknown_tuple\"");
            InetAddress loopback = InetAddress.getLoopbackAddress();
            int port = transport.getTuple().getLocalPort();
            // RTP version 2, payload type 96 (RFC 3550 §5.1), no producer: received, then not forwarded.
            byte[] rtp = new byte[40];
            rtp[0] = (byte) 0x80;
            rtp[1] = 96;
            // A first byte of 0 is STUN's range (RFC 7983 §7), which a plain transport does not take.
            byte[] notRtp = new byte[20];

            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
                peer.send(new DatagramPacket(rtp, rtp.length, loopback, port));
                peer.send(new DatagramPacket(notRtp, notRtp.length, loopback, port));
                stranger.send(new DatagramPacket(rtp, rtp.length, loopback, port));
                return value("sluice_packets_received_total", worker()) >= receivedBefore + 3
                        && value("sluice_packets_dropped_total", worker(), "reason=\"unknown_packet\"") >= unknownBefore + 3
                        && value("sluice_packets_dropped_total", worker(), "reason=\"unknown_tuple\"") >= strangerBefore + 3;
            });
            assertThat(value("sluice_bytes_received_total", worker())).isGreaterThanOrEqualTo(3 * 40);
            assertThat(value("sluice_transports", worker())).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void loopAndJvmSeriesAreThere() throws Exception {
        assertThat(value("sluice_loop_busy_ratio", worker())).isBetween(0.0, 1.0);
        assertThat(value("sluice_loop_task_queue_delay_seconds", worker())).isGreaterThanOrEqualTo(0);
        String text = get("/metrics").body();
        assertThat(get("/metrics").headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
        assertThat(text).contains("# TYPE sluice_packets_received_total counter", "jvm_memory_used_bytes{",
                "jvm_gc_collection_seconds", "jvm_threads_current", "process_open_fds");
    }
}
