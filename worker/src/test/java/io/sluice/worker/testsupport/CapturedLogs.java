package io.sluice.worker.testsupport;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Every log line of this JVM while open, at every level down to DEBUG (the test configuration
 * shows only warnings), with its exception's stack trace, as text a test can search. The console
 * is silent meanwhile, so that DEBUG does not flood the test's output.
 */
public final class CapturedLogs implements AutoCloseable {

    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Level previousLevel = root.getLevel();
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final List<Appender<ILoggingEvent>> silenced = new ArrayList<>();

    private CapturedLogs() {
        root.iteratorForAppenders().forEachRemaining(silenced::add);
        silenced.forEach(root::detachAppender);
        appender.setContext(root.getLoggerContext());
        appender.start();
        root.addAppender(appender);
        root.setLevel(Level.DEBUG);
    }

    public static CapturedLogs start() {
        return new CapturedLogs();
    }

    /** The lines so far: level, logger, message and any stack trace. */
    public List<String> lines() {
        return List.copyOf(appender.list).stream().map(CapturedLogs::line).toList();
    }

    /** All lines as one text. */
    public String text() {
        return String.join("\n", lines());
    }

    private static String line(ILoggingEvent event) {
        String line = event.getLevel() + " " + event.getLoggerName() + " " + event.getFormattedMessage();
        return event.getThrowableProxy() == null ? line
                : line + "\n" + ThrowableProxyUtil.asString(event.getThrowableProxy());
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        root.setLevel(previousLevel);
        silenced.forEach(root::addAppender);
        appender.stop();
    }
}
