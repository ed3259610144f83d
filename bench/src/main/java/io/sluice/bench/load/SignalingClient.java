package io.sluice.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One peer's signaling WebSocket to the orchestrator stub (docs/signaling.md), as the demo page
 * speaks it: {@code {request, id, method, data}} answered by {@code {response, id, ok, data | error}}.
 * Notifications (scores, layers, ...) are read and dropped: the listeners only need their media.
 * Many clients share one {@link HttpClient} (one selector thread for thousands of sockets).
 */
final class SignalingClient implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final long TIMEOUT_SECONDS = 60;

    private final WebSocket socket;
    private final AtomicInteger nextId = new AtomicInteger(1);
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private CompletableFuture<WebSocket> lastSend = CompletableFuture.completedFuture(null);

    private SignalingClient(WebSocket socket) {
        this.socket = socket;
    }

    /** Opens the WebSocket of the stub on {@code port}. */
    static CompletableFuture<SignalingClient> open(HttpClient http, int port) {
        Responses responses = new Responses();
        return http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), responses)
                .thenApply(socket -> responses.client = new SignalingClient(socket));
    }

    /** The data of a successful response; a failed one completes exceptionally with the stub's error. */
    CompletableFuture<JsonNode> request(String method, JsonNode data) {
        int id = nextId.getAndIncrement();
        CompletableFuture<JsonNode> response = new CompletableFuture<>();
        pending.put(id, response);
        ObjectNode request = JSON.createObjectNode().put("request", true).put("id", id).put("method", method);
        request.set("data", data == null ? JSON.createObjectNode() : data);
        String text = request.toString();
        // The JDK WebSocket allows one outstanding send: each waits for the one before it, without blocking.
        synchronized (this) {
            lastSend = lastSend.thenCompose(ignored -> socket.sendText(text, true));
        }
        return response.orTimeout(TIMEOUT_SECONDS, TimeUnit.SECONDS).thenApply(message -> {
            if (!message.path("ok").asBoolean()) {
                throw new IllegalStateException(method + " failed: " + message.path("error"));
            }
            return message.path("data");
        });
    }

    static ObjectNode data(Object... membersAndValues) {
        ObjectNode data = JSON.createObjectNode();
        for (int i = 0; i < membersAndValues.length; i += 2) {
            data.set((String) membersAndValues[i], JSON.valueToTree(membersAndValues[i + 1]));
        }
        return data;
    }

    @Override
    public void close() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null);
    }

    private void onMessage(JsonNode message) {
        if (message.path("response").asBoolean()) {
            CompletableFuture<JsonNode> waiting = pending.remove(message.path("id").asInt());
            if (waiting != null) {
                waiting.complete(message);
            }
        }
    }

    /** Reassembles text frames; responses complete their request, the rest is dropped. */
    private static final class Responses implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();
        volatile SignalingClient client;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                try {
                    SignalingClient owner = client;
                    if (owner != null) {
                        owner.onMessage(JSON.readTree(text.toString()));
                    }
                } catch (Exception unparseable) {
                    // Not the stub's JSON: nothing waits for it.
                }
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }
    }
}
