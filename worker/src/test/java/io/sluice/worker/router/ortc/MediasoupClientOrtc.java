package io.sluice.worker.router.ortc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.worker.testsupport.ExternalTool;
import io.sluice.worker.testsupport.Patience;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Assumptions;

/**
 * The real mediasoup-client 3.24.1, installed with npm under {@code worker/target/node-cache}
 * once (reused while present), and driven through {@code src/test/node/validate-capabilities.js}:
 * one node process answers every input of an instance in turn (starting node and loading
 * mediasoup-client for each input took a second or more each on a busy machine).
 */
final class MediasoupClientOrtc implements AutoCloseable {

    static final String VERSION = "3.24.1";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Path node;
    private final Path nodeModules;
    private final Path script;
    private final Path serverErrors;
    private Process server;
    private BufferedWriter requests;
    private BufferedReader answers;

    private MediasoupClientOrtc(Path node, Path nodeModules, Path script, Path workDir) {
        this.node = node;
        this.nodeModules = nodeModules;
        this.script = script;
        this.serverErrors = workDir.resolve("validate-capabilities.err");
    }

    /** What the script said: exit code, its JSON report (exit 0) or the validator's message (exit 1). */
    record Result(int exitCode, JsonNode report, String error) {

        boolean accepted() {
            return exitCode == 0;
        }
    }

    /** Finds node and npm (skipping the test without them) and installs mediasoup-client if missing. */
    static MediasoupClientOrtc install() throws IOException, InterruptedException {
        Path node = ExternalTool.require("node", "nodejs");
        Path npm = ExternalTool.require("npm", "npm");
        Path moduleDir = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
        Path cacheDir = moduleDir.resolve("target/node-cache/mediasoup-client-" + VERSION);
        Path nodeModules = cacheDir.resolve("node_modules");
        Path installedPackage = nodeModules.resolve("mediasoup-client/package.json");
        if (!Files.exists(installedPackage)
                || !MAPPER.readTree(installedPackage.toFile()).path("version").asText().equals(VERSION)) {
            Files.createDirectories(cacheDir);
            Files.copy(moduleDir.resolve("src/test/node/package.json"), cacheDir.resolve("package.json"),
                    StandardCopyOption.REPLACE_EXISTING);
            Path log = cacheDir.resolve("npm-install.log");
            Process install = new ProcessBuilder(npm.toString(), "install", "--no-audit", "--no-fund",
                            "--ignore-scripts", "mediasoup-client@" + VERSION)
                    .directory(cacheDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            boolean finished = install.waitFor(5, TimeUnit.MINUTES);
            if (!finished) {
                install.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            if (!finished || install.exitValue() != 0 || !Files.exists(installedPackage)) {
                String message = "npm install mediasoup-client@" + VERSION + " failed:\n" + Files.readString(log);
                if (Boolean.getBoolean("sluice.requireTools")) {
                    throw new AssertionError(message);
                }
                Assumptions.abort(message);
            }
        }
        Path script = moduleDir.resolve("src/test/node/validate-capabilities.js");
        return new MediasoupClientOrtc(node, nodeModules, script, cacheDir);
    }

    /** Device.load() on router capabilities in mediasoup-client's JSON. */
    Result loadRouterCapabilities(String json) throws IOException, InterruptedException {
        return run("capabilities", json);
    }

    /** validateAndNormalizeRtpParameters on RTP parameters in mediasoup-client's JSON. */
    Result validateRtpParameters(String json) throws IOException, InterruptedException {
        return run("parameters", json);
    }

    /** Device.load() then Transport.consume()'s checks; the JSON holds routerCapabilities and rtpParameters. */
    Result consume(String json) throws IOException, InterruptedException {
        return run("consume", json);
    }

    private synchronized Result run(String mode, String json) throws IOException, InterruptedException {
        if (server == null) {
            server = new ProcessBuilder(List.of(node.toString(), script.toString(), nodeModules.toString(), "serve"))
                    .redirectError(serverErrors.toFile())
                    .start();
            requests = new BufferedWriter(new OutputStreamWriter(server.getOutputStream(), StandardCharsets.UTF_8));
            answers = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        }
        ObjectNode request = MAPPER.createObjectNode().put("mode", mode);
        request.set("input", MAPPER.readTree(json));
        requests.write(MAPPER.writeValueAsString(request));
        requests.newLine();
        requests.flush();
        String line;
        try {
            line = CompletableFuture.supplyAsync(() -> {
                try {
                    return answers.readLine();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).get(Patience.WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("validate-capabilities.js gave no answer: " + Files.readString(serverErrors), e);
        }
        if (line == null) {
            throw new AssertionError("validate-capabilities.js failed to run: " + Files.readString(serverErrors));
        }
        JsonNode answer = MAPPER.readTree(line);
        int exitCode = answer.path("exitCode").asInt();
        return new Result(exitCode, exitCode == 0 ? answer.path("report") : null, answer.path("error").asText(""));
    }

    /** Ends the node process (it exits when its input closes). */
    @Override
    public synchronized void close() throws IOException, InterruptedException {
        if (server != null) {
            requests.close();
            if (!server.waitFor(Patience.WAIT.toSeconds(), TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor(Patience.WAIT.toSeconds(), TimeUnit.SECONDS);
            }
            server = null;
        }
    }
}
