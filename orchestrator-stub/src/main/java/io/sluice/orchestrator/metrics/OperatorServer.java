package io.sluice.orchestrator.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stub's operator port, with the same paths and answers as a worker's (docs/operations.md):
 * {@code /metrics}, {@code /healthz} (200 while it serves HTTP) and {@code /readyz} (200 when NATS
 * and Redis are connected, else 503 with the reason); and the stub's own {@code /rooms/<roomId>}. One thread answers, one request at a time.
 */
public final class OperatorServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OperatorServer.class);
    private static final String TEXT = "text/plain; charset=utf-8";
    private static final String JSON = "application/json";
    private static final String ROOMS = "/rooms/";

    private final HttpServer server;
    private final ExecutorService thread;

    private OperatorServer(HttpServer server, ExecutorService thread) {
        this.server = server;
        this.thread = thread;
    }

    /**
     * Binds {@code ip:port} (port 0: any free port) and serves.
     *
     * @param notReadyReason why the stub is not ready, or null when it is
     */
    public static OperatorServer start(String ip, int port, StubMetrics metrics, Supplier<String> notReadyReason)
            throws IOException {
        return start(ip, port, metrics, notReadyReason, roomId -> Optional.empty());
    }

    /**
     * As {@link #start(String, int, StubMetrics, Supplier)}, also answering {@code GET /rooms/<roomId>}
     * with {@code roomDump}'s JSON (404 when the room has no peer on this stub).
     */
    public static OperatorServer start(String ip, int port, StubMetrics metrics, Supplier<String> notReadyReason,
            Function<String, Optional<String>> roomDump) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(ip, port), 16);
        PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
        server.createContext("/", exchange -> {
            try (exchange) {
                String path = exchange.getRequestURI().getPath();
                if (path.startsWith(ROOMS)) {
                    Optional<String> dump = roomDump.apply(path.substring(ROOMS.length()));
                    send(exchange, dump.isPresent() ? 200 : 404, dump.isPresent() ? JSON : TEXT,
                            bytes(dump.orElse("no such room on this stub\n")));
                    return;
                }
                switch (path) {
                    case "/metrics" -> {
                        ByteArrayOutputStream body = new ByteArrayOutputStream(16_384);
                        writer.write(body, metrics.scrape());
                        send(exchange, 200, writer.getContentType(), body.toByteArray());
                    }
                    case "/healthz" -> send(exchange, 200, TEXT, bytes("ok\n"));
                    case "/readyz" -> {
                        String reason = notReadyReason.get();
                        send(exchange, reason == null ? 200 : 503, TEXT, bytes(reason == null ? "ready\n" : reason + "\n"));
                    }
                    default -> send(exchange, 404, TEXT, bytes("not found: try /metrics, /healthz, /readyz or /rooms/<roomId>\n"));
                }
            } catch (IOException | RuntimeException e) {
                log.debug("operator port request failed", e);
            }
        });
        ExecutorService thread = Executors.newSingleThreadExecutor(
                Thread.ofPlatform().daemon().name("sluice-stub-metrics").factory());
        server.setExecutor(thread);
        server.start();
        log.info("metrics and health on http://{}:{}/metrics, /healthz, /readyz", ip, server.getAddress().getPort());
        return new OperatorServer(server, thread);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        thread.shutdownNow();
    }
}
