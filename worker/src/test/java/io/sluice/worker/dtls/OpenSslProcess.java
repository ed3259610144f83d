package io.sluice.worker.dtls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/**
 * An {@code openssl s_client} or {@code s_server} we started, with its stdin held open (both quit
 * at once when stdin hits end of file) and its output collected for the assertions.
 */
final class OpenSslProcess implements AutoCloseable {

    private static final Pattern KEYING_MATERIAL = Pattern.compile("Keying material: ([0-9A-Fa-f]+)");

    private final Process process;
    private final OutputStream stdin;
    private final StringBuffer output = new StringBuffer();
    private final Thread reader;

    OpenSslProcess(List<String> command) throws IOException {
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        stdin = process.getOutputStream();
        InputStream stdout = process.getInputStream();
        reader = Thread.ofPlatform().daemon().name("openssl-output").start(() -> {
            byte[] chunk = new byte[4096];
            try {
                for (int n; (n = stdout.read(chunk)) > 0; ) {
                    output.append(new String(chunk, 0, n, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // The process ended.
            }
        });
    }

    String output() {
        return output.toString();
    }

    void awaitOutput(String text, Duration timeout) {
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(20))
                .alias("openssl to print '" + text + "'; output so far:\n" + output())
                .until(() -> output.indexOf(text) >= 0);
    }

    /** The bytes after "Keying material:" (printed by -keymatexport once the handshake is done). */
    byte[] awaitKeyingMaterial(Duration timeout) {
        awaitOutput("Keying material: ", timeout);
        Awaitility.await().atMost(timeout).until(() -> KEYING_MATERIAL.matcher(output()).find()
                && output().substring(output().indexOf("Keying material: ")).contains("\n"));
        Matcher matcher = KEYING_MATERIAL.matcher(output());
        matcher.find();
        return HexFormat.of().parseHex(matcher.group(1));
    }

    /** Ends stdin, as a user would with Ctrl-D: openssl shuts the connection down (close_notify) and exits. */
    void closeStdin() throws IOException {
        stdin.close();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        try {
            stdin.close();
        } catch (IOException ignored) {
            // Already closed.
        }
        if (!process.waitFor(3, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        reader.join(2_000);
    }
}
