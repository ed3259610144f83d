package io.sluice.worker.router;

/**
 * Why an entity closed. A close cascades down the ownership tree (worker, router, transport,
 * producer, consumer), and every entity below the one that closed first carries that one's
 * reason: closing a router closes its consumers with {@link #ROUTER_CLOSED}, never with
 * {@link #PRODUCER_CLOSED}, whatever order they are visited in.
 */
public enum CloseReason {
    /** The control API asked for it. */
    REQUESTED,
    /** Its transport closed. */
    TRANSPORT_CLOSED,
    /** Its router closed. */
    ROUTER_CLOSED,
    /** A consumer's producer closed. */
    PRODUCER_CLOSED,
    /** The WebRTC server whose ports a transport shares closed. */
    WEBRTC_SERVER_CLOSED,
    /** The worker is shutting down. */
    WORKER_CLOSED,
    /** The other end of a pipe between routers closed. */
    PIPE_PEER_CLOSED
}
