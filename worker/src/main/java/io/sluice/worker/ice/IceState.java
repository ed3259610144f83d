package io.sluice.worker.ice;

/** The ICE states of a WebRtcTransport as mediasoup names them (RFC 8445 §6.1.3, §8). */
public enum IceState {
    /** No valid binding request yet. */
    NEW,
    /** A valid check arrived and its tuple is selected, but nothing was nominated. */
    CONNECTED,
    /** The controlling peer nominated a tuple (USE-CANDIDATE or NOMINATION). */
    COMPLETED,
    /** Consent expired (RFC 7675 §5.1) or the last tuple was removed; a new check reconnects. */
    DISCONNECTED,
    /** The owner closed the server; terminal. */
    CLOSED
}
