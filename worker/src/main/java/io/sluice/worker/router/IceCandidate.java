package io.sluice.worker.router;

import io.sluice.worker.ice.TransportTuple;

/**
 * A local ICE candidate a transport offers (RFC 8445 §5.1.1; always a host candidate here).
 *
 * @param priority unsigned 32-bit (RFC 8445 §5.1.2)
 * @param tcpType "passive" for TCP (RFC 6544 §4.5), "" for UDP
 */
public record IceCandidate(String foundation, long priority, String address, TransportTuple.Protocol protocol,
        int port, String type, String tcpType) {}
