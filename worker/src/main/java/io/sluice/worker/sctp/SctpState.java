package io.sluice.worker.sctp;

/** Association states (RFC 9260 §4). */
public enum SctpState {
    CLOSED,
    COOKIE_WAIT,
    COOKIE_ECHOED,
    ESTABLISHED,
    SHUTDOWN_PENDING,
    SHUTDOWN_SENT,
    SHUTDOWN_RECEIVED,
    SHUTDOWN_ACK_SENT;

    /** Whether DATA may be sent and received (§9.2: not after SHUTDOWN went either way, except what is queued). */
    boolean carriesData() {
        return this == ESTABLISHED || this == SHUTDOWN_PENDING || this == SHUTDOWN_RECEIVED || this == SHUTDOWN_SENT;
    }
}
