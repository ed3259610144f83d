package io.sluice.worker.sctp;

/** What became of a message given to {@link SctpAssociation#send}. */
public enum SendResult {
    /** Queued: it goes as the windows allow, and is retransmitted as its reliability says. */
    QUEUED,
    /** The association is not (or no longer) established. */
    NOT_ESTABLISHED,
    /** Larger than the max message size. */
    TOO_LARGE,
    /** A stream the peer did not accept (RFC 9260 §5.1.1: above its inbound stream count). */
    INVALID_STREAM,
    /** Zero bytes: SCTP carries no empty message (§3.3.1); WebRTC sends one byte with an empty-message PPID instead. */
    EMPTY
}
