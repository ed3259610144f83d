package io.sluice.worker.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The kernel's ephemeral port range (the ports it hands to sockets bound to port 0: outgoing
 * connections, DNS resolver sockets) against the RTC port range. Where they overlap, any process
 * of the host may hold a port a transport needs, and a fixed-port listen info or a full range
 * fails for reasons outside Sluice. Ports listed in {@code ip_local_reserved_ports} are not handed
 * out automatically, so a range reserved there is safe.
 */
public final class EphemeralPorts {

    public static final Path PORT_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    public static final Path RESERVED_PORTS = Path.of("/proc/sys/net/ipv4/ip_local_reserved_ports");

    private EphemeralPorts() {}

    /**
     * The warning to log at start, or empty when {@code rtcMin..rtcMax} is clear of the ephemeral
     * range (or every overlapping port is reserved, or the files cannot be read: not Linux).
     */
    public static Optional<String> overlapWarning(Path portRange, Path reservedPorts, int rtcMin, int rtcMax) {
        int[] ephemeral;
        try {
            String[] parts = Files.readString(portRange).trim().split("\\s+");
            ephemeral = new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
        } catch (IOException | RuntimeException unreadable) {
            return Optional.empty();
        }
        int from = Math.max(rtcMin, ephemeral[0]);
        int to = Math.min(rtcMax, ephemeral[1]);
        if (from > to || isReserved(reservedPorts, from, to)) {
            return Optional.empty();
        }
        return Optional.of("RTC ports " + rtcMin + "-" + rtcMax + " overlap the kernel's ephemeral port range "
                + ephemeral[0] + "-" + ephemeral[1] + " (" + portRange + ") on " + from + "-" + to
                + ": outgoing connections and DNS queries of any process may take ports transports need. Move "
                + "RTC_MIN_PORT..RTC_MAX_PORT out of it, or reserve them (sysctl net.ipv4.ip_local_reserved_ports="
                + from + "-" + to + "); docs/operations.md");
    }

    /** True when every port of {@code from..to} is in the reserved list ("a-b,c,d-e"). */
    private static boolean isReserved(Path reservedPorts, int from, int to) {
        String list;
        try {
            list = Files.readString(reservedPorts).trim();
        } catch (IOException unreadable) {
            return false;
        }
        int next = from;
        boolean advanced = true;
        while (next <= to && advanced) {
            advanced = false;
            for (String item : list.split(",")) {
                if (item.isBlank()) {
                    continue;
                }
                String[] bounds = item.trim().split("-");
                try {
                    int low = Integer.parseInt(bounds[0]);
                    int high = bounds.length > 1 ? Integer.parseInt(bounds[1]) : low;
                    if (low <= next && next <= high) {
                        next = high + 1;
                        advanced = true;
                    }
                } catch (NumberFormatException malformed) {
                    return false;
                }
            }
        }
        return next > to;
    }
}
