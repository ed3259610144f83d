package io.sluice.worker.bwe;

/**
 * Decides when to probe (libwebrtc's ProbeController in shape): while the estimate is below what
 * the consumers want ({@code desired}, capped by the transport's maximum),
 * <ul>
 *   <li>at the start, two clusters at {@link #FIRST_SCALE} and {@link #SECOND_SCALE} times the
 *       estimate (exponential probing), so a fast link is found within a second;</li>
 *   <li>when the last cluster's result reached {@link #FURTHER_PROBE_THRESHOLD} of its target,
 *       the next at twice the result, until the desired bitrate is reached or a probe falls short
 *       (the link is full);</li>
 *   <li>when the desired bitrate rose above {@link #ALLOCATION_RISE} times what it was at the last
 *       probe (a consumer's top layer appeared or a consumer was added: libwebrtc probes on a new
 *       max allocated bitrate too), one cluster at twice the estimate (at most the desired
 *       bitrate), then further as above: the sender fills most of a lower estimate with its
 *       current layers, so it does not look application-limited, and the rate control's increase,
 *       held within 1.5 times what arrives, would never reach the new layer;</li>
 *   <li>otherwise, while the sender is application-limited (its consumers' layers leave part of
 *       the estimate unused, so the rate control's increase, held within 1.5 times what arrives,
 *       cannot discover more), every {@link #PERIODIC_INTERVAL_MICROS} one cluster at twice the
 *       estimate (at most the desired bitrate), but not within {@link #QUIET_AFTER_DECREASE_MICROS}
 *       of an over-use: that is how a transport whose layers were lowered by a congestion episode
 *       finds the capacity again once the link has recovered.</li>
 * </ul>
 * Stops as soon as the estimate covers the desired bitrate.
 */
final class ProbeController {

    static final double FIRST_SCALE = 3.0;
    static final double SECOND_SCALE = 6.0;
    static final double FURTHER_PROBE_THRESHOLD = 0.7;
    static final double FURTHER_PROBE_SCALE = 2.0;
    static final long PERIODIC_INTERVAL_MICROS = 5_000_000;
    static final long QUIET_AFTER_DECREASE_MICROS = 2_000_000;
    static final double ALLOCATION_RISE = 1.2;
    private static final long RESULT_TIMEOUT_MICROS = 1_000_000;
    /** An estimate within this fraction of the desired bitrate covers it. */
    private static final double DESIRED_COVERED = 0.95;

    /** "Never": an unset time is compared by {@link #atLeastSince}, never subtracted from. */
    static final long NEVER = Long.MIN_VALUE;

    private ProbeState state = ProbeState.INITIAL;
    private long lastProbeMicros = NEVER;
    private long awaitedTarget;
    /** The desired bitrate when the last cluster was started. */
    private long capAtLastProbe;
    private int awaitedClusterId = SentPacketHistory.NO_CLUSTER;

    /** Starts clusters due at {@code nowMicros}; {@code cap} is the desired bitrate within the maximum. */
    void process(long estimate, long cap, long lastDecreaseMicros, boolean appLimited, long nowMicros,
                 BitrateProber prober) {
        if (state == ProbeState.WAITING_FOR_RESULT && atLeastSince(lastProbeMicros, nowMicros, RESULT_TIMEOUT_MICROS)) {
            state = ProbeState.IDLE;
        }
        if (cap <= 0 || estimate >= DESIRED_COVERED * cap) {
            if (state != ProbeState.INITIAL) {
                state = ProbeState.IDLE;
            }
            return;
        }
        if (state == ProbeState.INITIAL) {
            capAtLastProbe = cap;
            long first = Math.min(cap, (long) (FIRST_SCALE * estimate));
            probe(first, nowMicros, prober);
            long second = Math.min(cap, (long) (SECOND_SCALE * estimate));
            if (second > first) {
                probe(second, nowMicros, prober);
            }
            return;
        }
        boolean quiet = atLeastSince(lastDecreaseMicros, nowMicros, QUIET_AFTER_DECREASE_MICROS);
        boolean periodic = appLimited && atLeastSince(lastProbeMicros, nowMicros, PERIODIC_INTERVAL_MICROS);
        boolean desiredRose = cap > ALLOCATION_RISE * capAtLastProbe;
        if (state == ProbeState.IDLE && quiet && (periodic || desiredRose)) {
            capAtLastProbe = cap;
            long target = Math.min(cap, (long) (FURTHER_PROBE_SCALE * estimate));
            if (target > estimate) {
                probe(target, nowMicros, prober);
            }
        }
    }

    /** The result of cluster {@code clusterId}: probes further when it reached its target. */
    void onProbeResult(int clusterId, long result, long cap, long nowMicros, BitrateProber prober) {
        if (state != ProbeState.WAITING_FOR_RESULT || clusterId != awaitedClusterId) {
            return;
        }
        state = ProbeState.IDLE;
        if (result >= FURTHER_PROBE_THRESHOLD * awaitedTarget && awaitedTarget < cap) {
            long target = Math.min(cap, (long) (FURTHER_PROBE_SCALE * result));
            if (target > awaitedTarget) {
                probe(target, nowMicros, prober);
            }
        }
    }

    /**
     * Whether {@code intervalMicros} have passed since {@code sinceMicros}; always when it is
     * {@link #NEVER}. The monotonic clock's origin is arbitrary (it may be negative), so the
     * sentinel is tested, never subtracted: {@code now - Long.MIN_VALUE} overflows to a negative
     * span for any {@code now >= 0}.
     */
    static boolean atLeastSince(long sinceMicros, long nowMicros, long intervalMicros) {
        return sinceMicros == NEVER || nowMicros - sinceMicros >= intervalMicros;
    }

    private void probe(long target, long nowMicros, BitrateProber prober) {
        int id = prober.createCluster(target);
        if (id == SentPacketHistory.NO_CLUSTER) {
            return;
        }
        awaitedClusterId = id;
        awaitedTarget = target;
        lastProbeMicros = nowMicros;
        state = ProbeState.WAITING_FOR_RESULT;
    }

    ProbeState state() {
        return state;
    }
}
