package io.sluice.worker.control;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.sluice.api.bus.NatsSecurity;
import io.sluice.api.bus.Redaction;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's one NATS connection. At start it tries again, with a log line per attempt, until
 * NATS answers or the start's time is up. Once connected it reconnects forever, backing off from
 * 100 ms to 2 s, and resubscribes every service on its own, so a restarted nats-server is served
 * again without a restart of the worker. An outage is logged once when it starts and once when it
 * ends. Logs show the URLs without their credentials.
 */
public final class NatsConnector {

    private static final Logger log = LoggerFactory.getLogger(NatsConnector.class);
    private static final Duration FIRST_RETRY = Duration.ofMillis(100);
    private static final Duration MAX_RETRY = Duration.ofSeconds(2);

    private NatsConnector() {}

    /**
     * Connects with the given credentials, trying again while NATS is not up yet, for
     * {@code giveUpAfter} at most (zero: as long as it takes); then fails with the last reason.
     * Unreadable credential or TLS files fail at once.
     */
    public static Connection connect(String urls, NatsSecurity security, String connectionName, Duration giveUpAfter)
            throws IOException, InterruptedException {
        return connect(urls, security, connectionName, giveUpAfter, "", System::nanoTime);
    }

    /**
     * As above, receiving the replies to its own requests (a worker's to another worker, for
     * router.pipeToRouter) under {@code inboxPrefix} ({@code _INBOX_<WORKER_ID>}), which the
     * shipped nats-server configuration lets only that worker's user read; empty for NATS's default.
     */
    public static Connection connect(String urls, NatsSecurity security, String connectionName, Duration giveUpAfter,
            String inboxPrefix) throws IOException, InterruptedException {
        return connect(urls, security, connectionName, giveUpAfter, inboxPrefix, System::nanoTime);
    }

    static Connection connect(String urls, NatsSecurity security, String connectionName, Duration giveUpAfter,
            LongSupplier nanoTime) throws IOException, InterruptedException {
        return connect(urls, security, connectionName, giveUpAfter, "", nanoTime);
    }

    static Connection connect(String urls, NatsSecurity security, String connectionName, Duration giveUpAfter,
            String inboxPrefix, LongSupplier nanoTime) throws IOException, InterruptedException {
        // Down until the first connect, which is then logged; a failed attempt at start is not an outage.
        AtomicBoolean down = new AtomicBoolean(true);
        String shownUrls = Redaction.redact(urls);
        Options.Builder builder = Options.builder()
                .servers(urls.split(","))
                .connectionName(connectionName)
                .maxReconnects(-1)
                .reconnectDelayHandler(NatsConnector::backoff)
                .connectionTimeout(Duration.ofSeconds(2))
                .pingInterval(Duration.ofSeconds(5))
                .connectionListener((connection, event) -> onEvent(shownUrls, down, event))
                .errorListener(new LoggingErrorListener());
        if (!inboxPrefix.isEmpty()) {
            builder.inboxPrefix(inboxPrefix);
        }
        try {
            security.applyTo(builder);
        } catch (GeneralSecurityException e) {
            throw new IOException("NATS credentials or TLS files do not load: " + e.getMessage(), e);
        }
        Options options = builder.build();
        long startedAt = nanoTime.getAsLong();
        for (int attempt = 1; ; attempt++) {
            try {
                return Nats.connect(options);
            } catch (IOException e) {
                String reason = Redaction.redact(e.getMessage());
                Duration waited = Duration.ofNanos(nanoTime.getAsLong() - startedAt);
                if (!giveUpAfter.isZero() && waited.compareTo(giveUpAfter) >= 0) {
                    throw new IOException("NATS at " + shownUrls + " not reachable within " + giveUpAfter.toSeconds()
                            + " s (" + attempt + " attempts, last: " + reason
                            + "); check NATS_URL, or raise NATS_CONNECT_TIMEOUT (0 waits forever)");
                }
                Duration pause = backoff(attempt);
                log.warn("NATS at {} is not reachable ({}); attempt {}, next in {} ms{}", shownUrls, reason, attempt,
                        pause.toMillis(), giveUpAfter.isZero() ? "" : ", giving up after " + giveUpAfter.toSeconds() + " s");
                Thread.sleep(pause.toMillis());
            }
        }
    }

    static Duration backoff(long attempts) {
        long millis = FIRST_RETRY.toMillis() << Math.min(attempts, 5);
        return Duration.ofMillis(Math.min(millis, MAX_RETRY.toMillis()));
    }

    private static void onEvent(String urls, AtomicBoolean down, ConnectionListener.Events event) {
        switch (event) {
            case DISCONNECTED -> {
                if (down.compareAndSet(false, true)) {
                    log.warn("lost NATS at {}; reconnecting", urls);
                }
            }
            case CONNECTED, RECONNECTED -> {
                if (down.compareAndSet(true, false)) {
                    log.info("connected to NATS at {}", urls);
                }
            }
            default -> log.debug("NATS connection event {}", event);
        }
    }

    /** Routes jnats' reports to our log; failed reconnect attempts are expected, so only debug. */
    private static final class LoggingErrorListener implements ErrorListener {

        @Override
        public void errorOccurred(Connection connection, String error) {
            log.warn("NATS server error: {}", error);
        }

        @Override
        public void exceptionOccurred(Connection connection, Exception exception) {
            log.debug("NATS connection exception: {}", Redaction.redact(String.valueOf(exception)));
        }
    }
}
