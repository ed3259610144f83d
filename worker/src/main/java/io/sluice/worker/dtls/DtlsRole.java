package io.sluice.worker.dtls;

/**
 * Our side of the DTLS handshake. The SDP/ORTC role {@code auto} is resolved by the owner before
 * connecting (RFC 5763 §5: the answerer of an {@code actpass} offer chooses), so only the two
 * concrete roles exist here.
 */
public enum DtlsRole {
    /** We send the ClientHello ({@code a=setup:active}). */
    CLIENT,
    /** We wait for the ClientHello ({@code a=setup:passive}). */
    SERVER
}
