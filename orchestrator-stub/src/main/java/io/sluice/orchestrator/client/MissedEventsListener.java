package io.sluice.orchestrator.client;

/**
 * Told when a worker's event sequence numbers jump: events were lost (e.g. while NATS
 * reconnected), so state built from events must be re-read with dump requests. Only called while
 * following every router, since following one router sees a part of the sequence by design.
 */
@FunctionalInterface
public interface MissedEventsListener {

    /** Events {@code firstMissedSeq} to {@code nextSeenSeq - 1} of the worker were not received. */
    void onEventsMissed(String workerId, long firstMissedSeq, long nextSeenSeq);
}
