package io.sluice.orchestrator.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.worker.testsupport.Patience;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The signaling protocol from the JDK's WebSocket client, as the demo page speaks it. */
final class SignalingTestClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Patience.WAIT;

    private final HttpClient http = HttpClient.newHttpClient();
    private final WebSocket socket;
    private final AtomicInteger nextId = new AtomicInteger(1);
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final BlockingQueue<JsonNode> notifications = new LinkedBlockingQueue<>();
    /** Received, not yet awaited (touched only by the test thread). */
    private final java.util.List<JsonNode> unclaimed = new java.util.ArrayList<>();

    SignalingTestClient(int port) throws Exception {
        socket = http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), new Listener())
                .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Sends a request and waits for its response: {@code {response, id, ok, data | error}}. */
    JsonNode request(String method, JsonNode data) throws Exception {
        return send(method, data).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Sends a request without waiting for its response, which completes the future. */
    CompletableFuture<JsonNode> send(String method, JsonNode data) throws Exception {
        int id = nextId.getAndIncrement();
        CompletableFuture<JsonNode> response = new CompletableFuture<>();
        pending.put(id, response);
        ObjectNode request = JSON.createObjectNode().put("request", true).put("id", id).put("method", method);
        request.set("data", data == null ? JSON.createObjectNode() : data);
        socket.sendText(request.toString(), true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        return response;
    }

    /** As {@link #request}, the message sent as a text frame and continuation frames (RFC 6455 §5.4). */
    JsonNode requestInFragments(String method, JsonNode data, int fragments) throws Exception {
        int id = nextId.getAndIncrement();
        CompletableFuture<JsonNode> response = new CompletableFuture<>();
        pending.put(id, response);
        ObjectNode request = JSON.createObjectNode().put("request", true).put("id", id).put("method", method);
        request.set("data", data == null ? JSON.createObjectNode() : data);
        String text = request.toString();
        int step = Math.max(1, text.length() / fragments);
        for (int start = 0; start < text.length(); start += step) {
            int end = Math.min(text.length(), start + step);
            socket.sendText(text.substring(start, end), end == text.length()).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
        return response.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /** The data of a successful response; fails with the error otherwise. */
    JsonNode ok(String method, JsonNode data) throws Exception {
        JsonNode response = request(method, data);
        if (!response.path("ok").asBoolean()) {
            throw new AssertionError(method + " failed: " + response.path("error"));
        }
        return response.path("data");
    }

    /**
     * The first notification of this method not yet awaited; others stay for later awaits (the
     * relative order of notifications from different sources, replies and worker events, is not
     * fixed). Fails after the timeout.
     */
    JsonNode awaitNotification(String method) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            for (java.util.Iterator<JsonNode> it = unclaimed.iterator(); it.hasNext(); ) {
                JsonNode next = it.next();
                if (next.path("method").asText().equals(method)) {
                    it.remove();
                    return next.path("data");
                }
            }
            JsonNode next = notifications.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (next == null) {
                throw new AssertionError("no " + method + " notification within " + TIMEOUT + "; unclaimed: "
                        + unclaimed);
            }
            unclaimed.add(next);
        }
    }

    static ObjectNode data(Object... membersAndValues) {
        ObjectNode data = JSON.createObjectNode();
        for (int i = 0; i < membersAndValues.length; i += 2) {
            data.set((String) membersAndValues[i], JSON.valueToTree(membersAndValues[i + 1]));
        }
        return data;
    }

    static JsonNode parse(String json) throws Exception {
        return JSON.readTree(json);
    }

    @Override
    public void close() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
        http.close();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                try {
                    JsonNode message = JSON.readTree(text.toString());
                    if (message.path("response").asBoolean()) {
                        CompletableFuture<JsonNode> waiting = pending.remove(message.path("id").asInt());
                        if (waiting != null) {
                            waiting.complete(message);
                        }
                    } else {
                        notifications.add(message);
                    }
                } catch (Exception e) {
                    notifications.add(JSON.createObjectNode().put("method", "unparseable").put("text", text.toString()));
                }
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }
    }
}
