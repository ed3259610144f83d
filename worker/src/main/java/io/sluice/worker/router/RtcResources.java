package io.sluice.worker.router;

import io.sluice.worker.dtls.DtlsCertificate;
import io.sluice.worker.net.PortRange;
import java.net.InetAddress;
import java.util.concurrent.Executor;

/**
 * What every transport of a process shares: the DTLS certificate, the pool that runs DTLS
 * handshakes off the loops, the default listen address and port range, where the user-to-transport
 * mappings are kept, and the in-process pipe transports the loops connect to each other.
 *
 * @param announcedAddress given to peers in candidates when a listen info names none
 */
public record RtcResources(DtlsCertificate certificate, Executor dtlsHandshakeExecutor, InetAddress listenIp,
        String announcedAddress, PortRange portRange, TransportMappingListener transportMappings,
        LocalPipes localPipes) {

    /** With a registry of in-process pipes of its own. */
    public RtcResources(DtlsCertificate certificate, Executor dtlsHandshakeExecutor, InetAddress listenIp,
            String announcedAddress, PortRange portRange, TransportMappingListener transportMappings) {
        this(certificate, dtlsHandshakeExecutor, listenIp, announcedAddress, portRange, transportMappings,
                new LocalPipes());
    }
}
