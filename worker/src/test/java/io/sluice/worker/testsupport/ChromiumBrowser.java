package io.sluice.worker.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's headless Chromium, driven over the DevTools protocol (a WebSocket, no driver to
 * download): open a page and evaluate JavaScript in it. Only inside a loopback-only network
 * namespace ({@link NetworkIsolation}). Started with a fresh profile and the flags that work here.
 */
public final class ChromiumBrowser implements AutoCloseable {

    private static final Pattern DEVTOOLS_URL = Pattern.compile("DevTools listening on (ws://\\S+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path profile;
    private final HttpClient http = HttpClient.newHttpClient();
    private final WebSocket page;
    private final AtomicInteger nextId = new AtomicInteger(1);
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

    private ChromiumBrowser(Process process, Path profile, String devtoolsUrl) throws Exception {
        this.process = process;
        this.profile = profile;
        URI browserUri = URI.create(devtoolsUrl);
        String base = "http://" + browserUri.getHost() + ":" + browserUri.getPort();
        JsonNode target = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/json/new?about:blank"))
                .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).body());
        this.page = http.newWebSocketBuilder()
                .buildAsync(URI.create(target.get("webSocketDebuggerUrl").asText()), new Listener())
                .get(10, TimeUnit.SECONDS);
    }

    public static ChromiumBrowser launch(Path binary, List<String> extraFlags) throws Exception {
        NetworkIsolation.requireLoopbackOnly();
        Path profile = Files.createTempDirectory("sluice-chromium-");
        List<String> command = new java.util.ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--allow-loopback-in-peer-connection",
                "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
                "--user-data-dir=" + profile));
        command.addAll(extraFlags);
        command.add("about:blank");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> url = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                String line;
                while ((line = output.readLine()) != null) {
                    Matcher matcher = DEVTOOLS_URL.matcher(line);
                    if (matcher.find()) {
                        url.complete(matcher.group(1));
                    }
                }
                url.completeExceptionally(new IOException("chromium exited before DevTools listened"));
            } catch (IOException e) {
                url.completeExceptionally(e);
            }
        }, "chromium-output");
        reader.setDaemon(true);
        reader.start();
        try {
            return new ChromiumBrowser(process, profile, url.get(30, TimeUnit.SECONDS));
        } catch (Exception e) {
            process.destroyForcibly();
            throw e;
        }
    }

    /** Navigates the page and waits for it to load. */
    public void navigate(String url) throws Exception {
        send("Page.enable", JSON.createObjectNode());
        send("Page.navigate", JSON.createObjectNode().put("url", url));
        evaluate("new Promise(r => document.readyState === 'complete' ? r(true) : addEventListener('load', () => r(true)))");
    }

    /** Evaluates an expression (a promise is awaited) and returns its JSON value; a thrown error fails. */
    public JsonNode evaluate(String expression) throws Exception {
        ObjectNode params = JSON.createObjectNode()
                .put("expression", expression)
                .put("awaitPromise", true)
                .put("returnByValue", true);
        JsonNode result = send("Runtime.evaluate", params);
        if (result.has("exceptionDetails")) {
            throw new AssertionError("page threw: " + result.get("exceptionDetails").toString());
        }
        return result.path("result").path("value");
    }

    /** A PNG of what the page shows now (its viewport; --window-size sets it). */
    public byte[] screenshot() throws Exception {
        JsonNode result = send("Page.captureScreenshot", JSON.createObjectNode().put("format", "png"));
        return java.util.Base64.getDecoder().decode(result.path("data").asText());
    }

    private JsonNode send(String method, ObjectNode params) throws Exception {
        int id = nextId.getAndIncrement();
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
        message.set("params", params);
        page.sendText(JSON.writeValueAsString(message), true).get(10, TimeUnit.SECONDS);
        JsonNode answer = reply.get(60, TimeUnit.SECONDS);
        if (answer.has("error")) {
            throw new AssertionError(method + " failed: " + answer.get("error"));
        }
        return answer.path("result");
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                try {
                    JsonNode message = JSON.readTree(text.toString());
                    if (message.has("id")) {
                        CompletableFuture<JsonNode> reply = pending.remove(message.get("id").asInt());
                        if (reply != null) {
                            reply.complete(message);
                        }
                    }
                } catch (IOException e) {
                    // Not JSON: nothing to route.
                }
                text.setLength(0);
            }
            socket.request(1);
            return null;
        }
    }

    @Override
    public void close() throws Exception {
        page.abort();
        // Chromium's renderer, GPU and network processes are its children: end them with it, then
        // remove the profile once nothing writes to it any more.
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        for (ProcessHandle child : children) {
            child.destroy();
            try {
                child.onExit().get(5, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                child.destroyForcibly();
            }
        }
        deleteProfile();
    }

    private void deleteProfile() throws IOException {
        for (int attempt = 1; Files.exists(profile); attempt++) {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
                return;
            } catch (java.io.UncheckedIOException | java.nio.file.NoSuchFileException e) {
                // A file vanished while walking (a last write of an exiting child): walk again.
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }
}
