package io.sluice.worker.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A child process a test started, with its output in a log file, that the test can stop
 * gracefully or kill with SIGKILL and start again. Only processes started here are ever ended.
 */
public class ManagedProcess implements AutoCloseable {

    private final List<String> command;
    private final Map<String, String> environment;
    private final Path logFile;
    private Process process;

    public ManagedProcess(List<String> command, Path logFile) {
        this(command, Map.of(), logFile);
    }

    /** A process whose environment is this one's plus {@code environment}. */
    public ManagedProcess(List<String> command, Map<String, String> environment, Path logFile) {
        this.command = List.copyOf(command);
        this.environment = Map.copyOf(environment);
        this.logFile = logFile;
    }

    public synchronized ManagedProcess start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("already running: " + command);
        }
        try {
            Files.createDirectories(logFile.getParent());
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().putAll(environment);
            process = builder
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        return this;
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    public synchronized long pid() {
        return process.pid();
    }

    /** SIGTERM, then SIGKILL after five seconds. */
    public synchronized void stop() {
        terminate(Duration.ofSeconds(5));
    }

    /**
     * SIGTERM, then SIGKILL if the process has not exited after {@code grace}; whether it exited
     * by itself (a test of what a process does on SIGTERM gives it the time a busy machine needs).
     */
    public synchronized boolean terminate(Duration grace) {
        if (process == null) {
            return true;
        }
        process.destroy();
        try {
            if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    /** SIGTERM, then waits up to {@code timeout} for the exit; answers the exit status (-1: still running). */
    public synchronized int sigterm(Duration timeout) throws InterruptedException {
        process.destroy();
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    /** Answers the exit status once the process exits by itself within {@code timeout} (-1: still running). */
    public int awaitExit(Duration timeout) throws InterruptedException {
        Process current;
        synchronized (this) {
            current = process;
        }
        return current.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? current.exitValue() : -1;
    }

    /** SIGKILL at once, as a crash would; returns once the process is gone. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public Path logFile() {
        return logFile;
    }

    public String log() {
        try {
            return Files.exists(logFile) ? Files.readString(logFile) : "";
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e + ")";
        }
    }

    /** Waits until a TCP connection to 127.0.0.1:port succeeds. */
    public void awaitTcpPort(int port, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!isAlive()) {
                throw new IllegalStateException("process exited early: " + command + "\n" + log());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                sleepQuietly(50);
            }
        }
        throw new IllegalStateException("port " + port + " not open after " + timeout + ": " + command + "\n" + log());
    }

    static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
