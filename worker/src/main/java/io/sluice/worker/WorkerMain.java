package io.sluice.worker;

import ch.qos.logback.classic.Level;
import io.sluice.worker.config.ConfigException;
import io.sluice.worker.config.HostAddresses;
import io.sluice.worker.config.LogFormat;
import io.sluice.worker.config.WorkerCommandLine;
import io.sluice.worker.config.WorkerConfig;
import io.sluice.worker.control.WorkerControl;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * {@code sluice-worker}: reads the settings (environment, then flags), starts a
 * {@link WorkerProcess}, and on SIGTERM drains it (no new routers; the orchestrator moves the
 * rooms away) and exits with status 0 once it has no router left or DRAIN_TIMEOUT passed. A
 * drain of every worker by {@code worker.drain} ends the same way. A bad setting prints one line
 * and exits with status 2.
 */
public final class WorkerMain {

    static final int EXIT_BAD_CONFIG = 2;
    static final int EXIT_START_FAILED = 1;

    private WorkerMain() {}

    public static void main(String[] args) {
        WorkerConfig config = parseOrExit(args, System.getenv(), System.out, System.err);
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        setLogLevel(config.logLevel());
        Logger log = LoggerFactory.getLogger(WorkerMain.class);
        // The hook is installed before the start: a SIGTERM while the worker registers itself
        // must still drain it and remove its registry entry, not find no hook and leave the entry.
        CompletableFuture<WorkerProcess> started = new CompletableFuture<>();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            WorkerProcess process;
            try {
                process = started.get();
            } catch (ExecutionException | InterruptedException e) {
                return; // never started: nothing to drain
            }
            log.info("shutting down: draining first, at most {} s", config.drainTimeout().toSeconds());
            try {
                process.drainAndAwaitClose();
            } catch (InterruptedException e) {
                process.close();
            }
            stopped.countDown();
            // A drained worker stopped as asked: status 0, not the 143 of a JVM ended by SIGTERM.
            Runtime.getRuntime().halt(0);
        }, "sluice-shutdown"));
        WorkerProcess process;
        try {
            process = WorkerProcess.start(config);
        } catch (Exception e) {
            started.completeExceptionally(e);
            log.error("could not start: {}", e.toString());
            System.exit(EXIT_START_FAILED);
            return;
        }
        started.complete(process);
        process.onDrained(() -> System.exit(0));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static WorkerConfig parseOrExit(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        try {
            WorkerCommandLine.Parsed parsed = WorkerCommandLine.parse(args, env);
            if (parsed.helpRequested()) {
                out.print(WorkerCommandLine.usage(env));
                out.flush();
                System.exit(0);
            }
            if (parsed.versionRequested()) {
                out.println(version());
                out.flush();
                System.exit(0);
            }
            LogFormat.check(env);
            HostAddresses.requireLocal("LISTEN_IP", parsed.config().listenIp());
            return parsed.config();
        } catch (ConfigException e) {
            err.println(WorkerCommandLine.PROGRAM + ": " + e.getMessage());
            err.flush();
            System.exit(EXIT_BAD_CONFIG);
            return null;
        }
    }

    static String version() {
        return WorkerCommandLine.PROGRAM + " " + WorkerControl.VERSION + " (Java " + Runtime.version() + ")";
    }

    private static void setLogLevel(String level) {
        if (LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
            root.setLevel(Level.toLevel(level, Level.INFO));
        }
    }
}
