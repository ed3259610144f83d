package io.sluice.worker.sctp;

import io.sluice.worker.testsupport.ExternalTool;
import io.sluice.worker.testsupport.ManagedProcess;
import io.sluice.worker.testsupport.Patience;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;

/**
 * The Go program in {@code src/test/go/sctppeer} (pion/sctp and pion/datachannel, from the Go
 * module proxy), built into {@code target/} once per run. Skips the test when Go is missing,
 * unless {@code sluice.requireTools} is set, where it fails it.
 */
final class PionSctpPeer implements AutoCloseable {

    private static final Path SOURCE = Path.of("src/test/go/sctppeer");
    private static final Path BINARY = Path.of("target/sctppeer/sctppeer");
    private static final Pattern LISTENING = Pattern.compile("LISTENING (\\d+)");

    private final ManagedProcess process;

    private PionSctpPeer(ManagedProcess process) {
        this.process = process;
    }

    static synchronized Path build() throws IOException, InterruptedException {
        Path go = findGo();
        if (Files.isExecutable(BINARY) && Files.getLastModifiedTime(BINARY).compareTo(
                Files.getLastModifiedTime(SOURCE.resolve("main.go"))) > 0) {
            return BINARY;
        }
        Files.createDirectories(BINARY.getParent());
        Path log = BINARY.resolveSibling("build.log");
        Process build = new ProcessBuilder(go.toString(), "build", "-o", BINARY.toAbsolutePath().toString(), ".")
                .directory(SOURCE.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!build.waitFor(Patience.WAIT.toSeconds() * 3, TimeUnit.SECONDS)) {
            build.destroyForcibly();
            throw new AssertionError("go build of the pion peer did not finish: " + Files.readString(log));
        }
        if (build.exitValue() != 0) {
            throw new AssertionError("go build of the pion peer failed: " + Files.readString(log));
        }
        return BINARY;
    }

    /** Go from PATH, else where the Go distribution installs itself. */
    private static Path findGo() {
        Optional<Path> found = ExternalTool.find("go");
        if (found.isEmpty() && Files.isExecutable(Path.of("/usr/local/go/bin/go"))) {
            found = Optional.of(Path.of("/usr/local/go/bin/go"));
        }
        String message = "go is not installed (needed to build the pion/sctp peer): apt-get install golang-go";
        if (found.isEmpty() && Boolean.getBoolean("sluice.requireTools")) {
            throw new AssertionError(message);
        }
        Assumptions.assumeTrue(found.isPresent(), message);
        return found.get();
    }

    /** Starts the peer towards {@code javaPort}; it answers "LISTENING port" first. */
    static PionSctpPeer start(String role, int javaPort, int messages, Path log)
            throws IOException, InterruptedException {
        Path binary = build();
        Files.deleteIfExists(log);
        ManagedProcess process = new ManagedProcess(List.of(binary.toAbsolutePath().toString(), "-role", role,
                "-remote", "127.0.0.1:" + javaPort, "-messages", Integer.toString(messages)),
                System.getProperty("sluice.pionLog") == null ? Map.of()
                        : Map.of("PION_LOG_" + System.getProperty("sluice.pionLog").toUpperCase(), "all"), log);
        process.start();
        return new PionSctpPeer(process);
    }

    int port() {
        int[] port = {0};
        Awaitility.await("the pion peer's port").atMost(Patience.WAIT).until(() -> {
            Matcher matcher = LISTENING.matcher(process.log());
            if (matcher.find()) {
                port[0] = Integer.parseInt(matcher.group(1));
                return true;
            }
            return !process.isAlive();
        });
        if (port[0] == 0) {
            throw new AssertionError("the pion peer ended before listening: " + process.log());
        }
        return port[0];
    }

    int awaitExit() throws InterruptedException {
        return process.awaitExit(Patience.WAIT);
    }

    boolean alive() {
        return process.isAlive();
    }

    String log() {
        return process.log();
    }

    @Override
    public void close() {
        process.close();
    }
}
