package io.sluice.worker.ice;

/** Why {@link IceServer} discarded or rejected a STUN packet; counted per reason for the transport's stats. */
public enum IceDropReason {
    /** Not one well-formed STUN message (RFC 8489 §5, §14). */
    MALFORMED,
    /** An indication or a response: an ICE-lite agent sends no requests (RFC 8445 §2.5). */
    NOT_A_REQUEST,
    /** A request of a method other than Binding; answered 400. */
    UNSUPPORTED_METHOD,
    /** FINGERPRINT present but wrong (RFC 8489 §14.7); silently dropped. */
    BAD_FINGERPRINT,
    /** FINGERPRINT, USERNAME, MESSAGE-INTEGRITY, PRIORITY or the role attribute missing; answered 400. */
    MISSING_ATTRIBUTE,
    /** USERNAME does not start with a local ufrag we own; answered 401. */
    UNKNOWN_USERNAME,
    /** MESSAGE-INTEGRITY does not match the local password; answered 401. */
    BAD_INTEGRITY,
    /** The peer claims ICE-CONTROLLED while we, the lite agent, are controlled; answered 487. */
    ROLE_CONFLICT,
    /** Too many bad packets from this remote address lately; dropped before any work. */
    RATE_LIMITED
}
