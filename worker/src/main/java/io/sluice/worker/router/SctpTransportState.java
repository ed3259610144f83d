package io.sluice.worker.router;

/** A transport's SCTP association as mediasoup reports it (sctpState): new, connecting, connected, failed, closed. */
public enum SctpTransportState {
    NEW,
    CONNECTING,
    CONNECTED,
    /** Ended by an error: an ABORT from the peer, no answer to INIT or to retransmissions. */
    FAILED,
    /** Shut down in order, or ended with the transport. */
    CLOSED
}
