package io.sluice.worker.bwe;

/** Where a transport's probing stands, as {@code transport.getStats} reports it. */
public enum ProbeState {
    /** Nothing probed yet: the first clusters go out once consumers want more than the start bitrate. */
    INITIAL,
    /** A cluster is being sent. */
    PROBING,
    /** Clusters were sent; their result is awaited. */
    WAITING_FOR_RESULT,
    /** The estimate covers what the consumers want, or the next periodic probe is not due yet. */
    IDLE
}
