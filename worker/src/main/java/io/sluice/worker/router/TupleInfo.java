package io.sluice.worker.router;

import io.sluice.worker.ice.TransportTuple;

/**
 * A transport's 5-tuple as dumps and stats show it: the local and the remote end, each null while
 * unknown (no socket bound yet, no remote learned).
 */
public record TupleInfo(TransportTuple.Protocol protocol, String localAddress, int localPort, String remoteAddress,
        int remotePort) {}
