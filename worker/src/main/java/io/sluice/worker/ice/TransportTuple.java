package io.sluice.worker.ice;

import java.net.InetSocketAddress;

/**
 * Where a peer's packets come from and go to: a local socket (or, for ICE-TCP, a connection) named
 * by the owner's id, the remote address and the protocol. {@link IceServer} creates one when it
 * first validates a remote address and keeps it while the address stays valid, so packets only
 * compare against tuples and never allocate them.
 */
public final class TransportTuple {

    public enum Protocol {
        UDP,
        TCP
    }

    private final int localId;
    private final InetSocketAddress remoteAddress;
    private final Protocol protocol;
    /** Cached once: InetAddress#getAddress clones on every call. */
    private final byte[] remoteAddressBytes;
    /** Consent freshness bookkeeping (RFC 7675 §5.1), touched only by the owning IceServer. */
    long lastConsentMillis;

    public TransportTuple(int localId, InetSocketAddress remoteAddress, Protocol protocol) {
        if (remoteAddress.isUnresolved()) {
            throw new IllegalArgumentException("unresolved remote address " + remoteAddress);
        }
        this.localId = localId;
        this.remoteAddress = remoteAddress;
        this.protocol = protocol;
        this.remoteAddressBytes = remoteAddress.getAddress().getAddress();
    }

    /** The owner's id of the local socket or TCP connection the packets arrive on. */
    public int localId() {
        return localId;
    }

    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    public Protocol protocol() {
        return protocol;
    }

    /** True when this tuple is (localId, remoteAddress, protocol); allocates nothing. */
    public boolean matches(int localId, InetSocketAddress remoteAddress, Protocol protocol) {
        return this.localId == localId && this.protocol == protocol && this.remoteAddress.equals(remoteAddress);
    }

    byte[] remoteAddressBytes() {
        return remoteAddressBytes;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TransportTuple tuple && tuple.matches(localId, remoteAddress, protocol);
    }

    @Override
    public int hashCode() {
        return (31 * localId + remoteAddress.hashCode()) * 31 + protocol.hashCode();
    }

    @Override
    public String toString() {
        return protocol + " " + localId + " <-> " + remoteAddress;
    }
}
