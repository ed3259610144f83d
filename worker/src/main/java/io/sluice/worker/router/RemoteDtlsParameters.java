package io.sluice.worker.router;

import java.util.List;

/**
 * The peer's DTLS parameters of transport.connect (RFC 8842 §5: its setup role and certificate
 * fingerprints), unchecked: the transport parses the fingerprint it uses.
 */
public record RemoteDtlsParameters(Role role, List<Fingerprint> fingerprints) {

    /** The role the peer takes; AUTO when it leaves it to us. */
    public enum Role { AUTO, CLIENT, SERVER }

    /** As signalled: the hash function's name and the colon-separated hex value (RFC 8122 §5). */
    public record Fingerprint(String algorithm, String value) {}
}
