package io.sluice.worker.sctp;

/** The RTO of RFC 9260 §6.3.1 from round-trip measurements (RTO.Alpha 1/8, RTO.Beta 1/4), and its back-off (§6.3.3 E2). */
final class RetransmissionTimeout {

    private final long minMillis;
    private final long maxMillis;
    private double smoothedRtt = -1;
    private double rttVariation;
    private long rtoMillis;

    RetransmissionTimeout(long initialMillis, long minMillis, long maxMillis) {
        this.minMillis = minMillis;
        this.maxMillis = maxMillis;
        this.rtoMillis = initialMillis;
    }

    /** C1 for the first measurement, C2 for the next ones, C3 and C7 bound it. */
    void onMeasurement(long rttMillis) {
        if (smoothedRtt < 0) {
            smoothedRtt = rttMillis;
            rttVariation = rttMillis / 2.0;
        } else {
            rttVariation = 0.75 * rttVariation + 0.25 * Math.abs(smoothedRtt - rttMillis);
            smoothedRtt = 0.875 * smoothedRtt + 0.125 * rttMillis;
        }
        // G (clock granularity) is 1 ms here: §6.3.1 C2 adds max(G, 4 * RTTVAR)
        rtoMillis = bounded((long) Math.ceil(smoothedRtt + Math.max(1, 4 * rttVariation)));
    }

    /** E2: RTO = RTO * 2, at most RTO.Max. */
    void backOff() {
        rtoMillis = bounded(rtoMillis * 2);
    }

    long millis() {
        return rtoMillis;
    }

    /** The smoothed round trip, or -1 before any measurement. */
    long smoothedRttMillis() {
        return (long) smoothedRtt;
    }

    private long bounded(long millis) {
        return Math.min(maxMillis, Math.max(minMillis, millis));
    }
}
