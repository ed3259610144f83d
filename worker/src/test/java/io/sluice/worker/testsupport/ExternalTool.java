package io.sluice.worker.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds binaries that integration tests run for real (nats-server, redis-server, openssl, node,
 * ffmpeg, chromium). A missing binary skips the test with a message saying what to install, unless
 * the system property {@code sluice.requireTools} is true (as in .ci/run), where it fails it.
 */
public final class ExternalTool {

    private ExternalTool() {}

    public static Optional<Path> find(String name) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/usr/local/sbin:/sbin";
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The binary's path; skips (or, with sluice.requireTools, fails) the test when it is missing. */
    public static Path require(String name, String debianPackage) {
        Optional<Path> found = find(name);
        String message = name + " is not installed: apt-get install " + debianPackage;
        if (found.isEmpty() && Boolean.getBoolean("sluice.requireTools")) {
            throw new AssertionError(message);
        }
        Assumptions.assumeTrue(found.isPresent(), message);
        return found.get();
    }
}
