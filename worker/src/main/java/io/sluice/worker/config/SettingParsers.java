package io.sluice.worker.config;

import io.netty.util.NetUtil;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a raw setting into its typed value or a {@link ConfigException} whose one-line message
 * names the setting as the user wrote it ({@code RTC_MIN_PORT} or {@code --rtc-min-port}).
 */
final class SettingParsers {

    static final Pattern WORKER_ID_PREFIX = Pattern.compile("[A-Za-z0-9_-]{1,48}");
    static final Set<String> LOG_LEVELS = Set.of("trace", "debug", "info", "warn", "error", "off");
    private static final Pattern HOST_NAME = Pattern.compile(
            "(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    private static final int MAX_WORKERS = 1024;

    private SettingParsers() {}

    /** One URL, or several separated by commas (a NATS cluster), each with one of the schemes. */
    static String urls(String name, String raw, Set<String> schemes) throws ConfigException {
        List<String> checked = new ArrayList<>();
        for (String part : raw.split(",", -1)) {
            checked.add(url(name, part.strip(), raw, schemes));
        }
        return String.join(",", checked);
    }

    static String url(String name, String raw, Set<String> schemes) throws ConfigException {
        return url(name, raw.strip(), raw, schemes);
    }

    private static String url(String name, String part, String raw, Set<String> schemes) throws ConfigException {
        String expected = " must be a URL like " + schemes.stream().sorted().findFirst().orElseThrow()
                + "://host:port, got \"" + io.sluice.api.bus.Redaction.redact(raw) + "\"";
        try {
            URI uri = new URI(part);
            if (uri.getScheme() == null || !schemes.contains(uri.getScheme().toLowerCase(Locale.ROOT))
                    || uri.getHost() == null) {
                throw new ConfigException(name + expected);
            }
            return part;
        } catch (URISyntaxException e) {
            throw new ConfigException(name + expected);
        }
    }

    static String workerIdPrefix(String name, String raw) throws ConfigException {
        if (!WORKER_ID_PREFIX.matcher(raw).matches()) {
            throw new ConfigException(name + " must be 1 to 48 of [A-Za-z0-9_-], got \"" + raw + "\"");
        }
        return raw;
    }

    static int workers(String name, String raw) throws ConfigException {
        Integer value = parseInt(raw);
        if (value == null || value < 1 || value > MAX_WORKERS) {
            throw new ConfigException(name + " must be a number of event loops (1-" + MAX_WORKERS + "), got \"" + raw + "\"");
        }
        return value;
    }

    /** A number of seconds from 0 to an hour. */
    static int seconds(String name, String raw) throws ConfigException {
        Integer value = parseInt(raw);
        if (value == null || value < 0 || value > 3600) {
            throw new ConfigException(name + " must be a number of seconds (0-3600), got \"" + raw + "\"");
        }
        return value;
    }

    /** A positive count up to {@code max}. */
    static int count(String name, String raw, int max) throws ConfigException {
        Integer value = parseInt(raw);
        if (value == null || value < 1 || value > max) {
            throw new ConfigException(name + " must be a number from 1 to " + max + ", got \"" + raw + "\"");
        }
        return value;
    }

    static int port(String name, String raw) throws ConfigException {
        Integer value = parseInt(raw);
        if (value == null || value < 1 || value > 65535) {
            throw new ConfigException(name + " must be a port number (1-65535), got \"" + raw + "\"");
        }
        return value;
    }

    /** A port number, or 0 for none. */
    static int portOrZero(String name, String raw) throws ConfigException {
        return "0".equals(raw) ? 0 : port(name, raw);
    }

    /** An IPv4 or IPv6 literal; never resolved, so a typo cannot wait on DNS. */
    static String ip(String name, String raw) throws ConfigException {
        if (!NetUtil.isValidIpV4Address(raw) && !NetUtil.isValidIpV6Address(raw)) {
            throw new ConfigException(name + " must be an IPv4 or IPv6 address, got \"" + raw + "\"");
        }
        return raw;
    }

    /** An IP literal or a DNS name, as announced in ICE candidates. */
    static String address(String name, String raw) throws ConfigException {
        if (!NetUtil.isValidIpV4Address(raw) && !NetUtil.isValidIpV6Address(raw) && !HOST_NAME.matcher(raw).matches()) {
            throw new ConfigException(name + " must be an IP address or a host name, got \"" + raw + "\"");
        }
        return raw;
    }

    static String logLevel(String name, String raw) throws ConfigException {
        String level = raw.toLowerCase(Locale.ROOT);
        if (!LOG_LEVELS.contains(level)) {
            throw new ConfigException(name + " must be one of trace, debug, info, warn, error, off, got \"" + raw + "\"");
        }
        return level;
    }

    static String readableFile(String name, String raw) throws ConfigException {
        if (!java.nio.file.Files.isRegularFile(java.nio.file.Path.of(raw))
                || !java.nio.file.Files.isReadable(java.nio.file.Path.of(raw))) {
            throw new ConfigException(name + " must name a readable file, got \"" + raw + "\"");
        }
        return raw;
    }

    static boolean isWildcard(String ip) {
        return ip.equals("0.0.0.0") || ip.equals("::") || ip.equals("0:0:0:0:0:0:0:0");
    }

    private static Integer parseInt(String raw) {
        if (raw.isEmpty() || raw.length() > 9) {
            return null;
        }
        for (int i = 0; i < raw.length(); i++) {
            if (raw.charAt(i) < '0' || raw.charAt(i) > '9') {
                return null;
            }
        }
        return Integer.parseInt(raw);
    }
}
