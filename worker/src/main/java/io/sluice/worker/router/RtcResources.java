package io.sluice.worker.router;

import io.sluice.worker.dtls.DtlsCertificate;
import io.sluice.worker.net.IceTcpGuard;
import io.sluice.worker.net.PortRange;
import java.net.InetAddress;
import java.util.concurrent.Executor;

/**
 * What every transport of a worker uses: the DTLS certificate, the pool that runs DTLS
 * handshakes off the loops, the default listen address and port range, where the user-to-transport
 * mappings are kept and the in-process pipe transports the loops connect to each other (all shared
 * by the process), the worker's own ICE-TCP guard and its entity limits.
 *
 * @param announcedAddress given to peers in candidates when a listen info names none
 */
public record RtcResources(DtlsCertificate certificate, Executor dtlsHandshakeExecutor, InetAddress listenIp,
        String announcedAddress, PortRange portRange, TransportMappingListener transportMappings,
        IceTcpGuard iceTcpGuard, EntityLimits limits, LocalPipes localPipes) {
}
