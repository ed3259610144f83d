package io.sluice.worker.router;

import io.sluice.worker.ice.TransportTuple;

/**
 * A listen info as a request gives it, unchecked: {@link ListenInfos} checks it and completes it
 * with the worker's defaults. Ports are the request's unsigned 32-bit values, so that an
 * out-of-range one is refused, not wrapped.
 *
 * @param protocol null when the request named neither UDP nor TCP
 * @param ip "" for the worker's LISTEN_IP
 * @param announcedAddress "" for ANNOUNCED_IP, else {@code ip}
 * @param port 0 for any port of the range
 * @param portRange null for RTC_MIN_PORT..RTC_MAX_PORT
 */
public record ListenInfo(TransportTuple.Protocol protocol, String ip, String announcedAddress, long port,
        PortBounds portRange) {

    /** A port range as asked for, unchecked. */
    public record PortBounds(long min, long max) {}

    /** On the worker's defaults. */
    public static ListenInfo defaults(TransportTuple.Protocol protocol) {
        return new ListenInfo(protocol, "", "", 0, null);
    }

    public ListenInfo withProtocol(TransportTuple.Protocol protocol) {
        return new ListenInfo(protocol, ip, announcedAddress, port, portRange);
    }
}
