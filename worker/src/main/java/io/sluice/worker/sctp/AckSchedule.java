package io.sluice.worker.sctp;

/**
 * When the association owes the peer a SACK (RFC 9260 §6.2): at once for duplicates, gaps, a
 * FORWARD TSN (RFC 3758 §3.6) and DATA with the I bit (RFC 7053); else for at least every second
 * packet with DATA, and at the latest when the delayed-ack timer fires.
 */
final class AckSchedule {

    private final SctpTimer delayedAckTimer;
    private final long delayMillis;
    private int packetsWithDataUnacked;
    private boolean due;

    /** {@code onDelayExpired} runs when the timer makes a SACK due: the association then sends it. */
    AckSchedule(SctpScheduler scheduler, long delayMillis, Runnable onDelayExpired) {
        this.delayMillis = delayMillis;
        this.delayedAckTimer = new SctpTimer(scheduler, () -> {
            due = true;
            onDelayExpired.run();
        });
    }

    void ackNow() {
        due = true;
    }

    /** A packet with DATA was handled; outside ESTABLISHED (shutting down) every one is acknowledged at once. */
    void onDataPacket(boolean established) {
        if (++packetsWithDataUnacked >= 2 || !established) {
            due = true;
        }
        if (!due) {
            delayedAckTimer.startIfStopped(delayMillis);
        }
    }

    boolean due() {
        return due;
    }

    void onSackSent() {
        due = false;
        packetsWithDataUnacked = 0;
        delayedAckTimer.stop();
    }

    void stop() {
        delayedAckTimer.stop();
    }
}
