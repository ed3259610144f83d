package io.sluice.worker.config;

/**
 * A wrong or missing setting. The message is one line naming the variable or flag, e.g.
 * {@code RTC_MIN_PORT must be a port number (1-65535), got "abc"}; the main class prints it after
 * the program name and exits with status 2.
 */
public final class ConfigException extends Exception {

    public ConfigException(String message) {
        super(message, null, false, false);
    }
}
