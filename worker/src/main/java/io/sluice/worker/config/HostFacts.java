package io.sluice.worker.config;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;

/**
 * What the defaults depend on: the host name, the number of cores and a random suffix that keeps
 * two processes on one host apart. Injected so that parsing is testable.
 */
public record HostFacts(String hostName, int cores, String randomSuffix) {

    private static final int MAX_HOST_PART = 32;

    /** The facts of this machine; the host name comes from HOSTNAME, the kernel, or the resolver. */
    public static HostFacts current(Map<String, String> env) {
        byte[] random = new byte[2];
        new SecureRandom().nextBytes(random);
        return new HostFacts(localHostName(env), Runtime.getRuntime().availableProcessors(),
                HexFormat.of().formatHex(random));
    }

    /** The default worker id prefix: the first label of the host name, sanitised, then the suffix. */
    public String defaultWorkerIdPrefix() {
        String label = hostName.split("\\.", 2)[0].toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "-");
        if (label.length() > MAX_HOST_PART) {
            label = label.substring(0, MAX_HOST_PART);
        }
        return (label.isEmpty() ? "sluice" : label) + "-" + randomSuffix;
    }

    static String localHostName(Map<String, String> env) {
        String fromEnv = env.get("HOSTNAME");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv.strip();
        }
        try {
            String kernel = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            if (!kernel.isEmpty()) {
                return kernel;
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux: ask the resolver below.
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "sluice";
        }
    }
}
