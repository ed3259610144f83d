package io.sluice.worker.router.ortc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.worker.testsupport.ExternalTool;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The real mediasoup-client 3.24.1, installed with npm under {@code worker/target/node-cache}
 * once (reused while present), and driven through {@code src/test/node/validate-capabilities.js}.
 */
final class MediasoupClientOrtc {

    static final String VERSION = "3.24.1";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Path node;
    private final Path nodeModules;
    private final Path script;
    private final Path workDir;

    private MediasoupClientOrtc(Path node, Path nodeModules, Path script, Path workDir) {
        this.node = node;
        this.nodeModules = nodeModules;
        this.script = script;
        this.workDir = workDir;
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

    private Result run(String mode, String json) throws IOException, InterruptedException {
        Path stdout = Files.createTempFile(workDir, "validate-", ".out");
        Path stderr = Files.createTempFile(workDir, "validate-", ".err");
        try {
            Process process = new ProcessBuilder(List.of(node.toString(), script.toString(), nodeModules.toString(), mode))
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile())
                    .start();
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write(json.getBytes(StandardCharsets.UTF_8));
            }
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("node did not finish in 60 s: " + Files.readString(stderr));
            }
            String out = Files.readString(stdout);
            String err = Files.readString(stderr);
            if (process.exitValue() == 2 || (process.exitValue() == 0 && out.isBlank())) {
                throw new AssertionError("validate-capabilities.js failed to run: " + err);
            }
            return new Result(process.exitValue(), process.exitValue() == 0 ? MAPPER.readTree(out) : null, err.strip());
        } finally {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }
}
