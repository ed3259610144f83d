package io.sluice.worker.config;

import java.util.Set;

/**
 * {@code LOG_FORMAT}: {@code text} (one line per record) or {@code json} (one object per line).
 * logback.xml reads the variable itself before any flag is parsed, so it is an environment
 * variable only; a wrong value is refused here because logback would log nothing at all.
 */
public final class LogFormat {

    public static final String VARIABLE = "LOG_FORMAT";
    static final Set<String> FORMATS = Set.of("text", "json");

    private LogFormat() {}

    public static void check(java.util.Map<String, String> env) throws ConfigException {
        String raw = env.get(VARIABLE);
        if (raw != null && !raw.isEmpty() && !FORMATS.contains(raw)) {
            throw new ConfigException(VARIABLE + " must be text or json, got \"" + raw + "\"");
        }
    }
}
