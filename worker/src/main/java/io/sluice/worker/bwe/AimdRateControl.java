package io.sluice.worker.bwe;

/**
 * The delay-based rate controller (draft-ietf-rmcat-gcc-02 §5.5): a state machine driven by the
 * over-use detector (over-use -> decrease, normal -> increase, under-use -> hold while the queue
 * drains), increasing multiplicatively by {@link #INCREASE_PER_SECOND} per second while far from
 * the link capacity last seen, additively (about one packet per response time) near it, and
 * decreasing to beta ({@link #BETA}) times the rate the receiver got. Increases are held within
 * 1.5 times that rate, so that a sender that does not use its estimate does not inflate it.
 */
final class AimdRateControl {

    enum State { HOLD, INCREASE, DECREASE }

    static final double BETA = 0.85;
    private static final double INCREASE_PER_SECOND = 1.08;
    private static final long MIN_INCREASE_BPS = 1_000;
    private static final double THROUGHPUT_HEADROOM = 1.5;
    private static final long THROUGHPUT_SLACK_BPS = 10_000;
    /** The additive increase assumes 30 frames a second of packets up to this size. */
    private static final int PACKET_BITS = 1200 * 8;
    private static final double FRAMES_PER_SECOND = 30;
    private static final long RESPONSE_EXTRA_MICROS = 100_000;
    private static final long MIN_ADDITIVE_BPS_PER_SECOND = 4_000;
    private static final long MAX_REDUCE_INTERVAL_MICROS = 200_000;
    private static final long MIN_REDUCE_INTERVAL_MICROS = 10_000;

    private final LinkCapacityEstimate linkCapacity = new LinkCapacityEstimate();
    private long bitrate;
    private long minBitrate;
    private long maxBitrate;
    private State state = State.HOLD;
    private long lastChangeMicros = Long.MIN_VALUE;
    private long rttMicros = 200_000;

    AimdRateControl(long initialBitrate, long minBitrate, long maxBitrate) {
        this.minBitrate = minBitrate;
        this.maxBitrate = maxBitrate;
        this.bitrate = clamp(initialBitrate);
    }

    /** Sets the estimate from outside (a probe's result); the controller carries on from it. */
    void setEstimate(long estimate, long nowMicros) {
        bitrate = clamp(estimate);
        lastChangeMicros = nowMicros;
    }

    void setLimits(long min, long max) {
        minBitrate = min;
        maxBitrate = max;
        bitrate = clamp(bitrate);
    }

    void setRttMicros(long rtt) {
        rttMicros = rtt;
    }

    /**
     * Over-use persisting after a decrease (the queue is still draining, the filter still sees it
     * grow) is acted on again only after a round trip, and only when the receiver now gets less
     * than the lowered estimate: the capacity fell further. Otherwise a second decrease would
     * apply beta to a rate measured partly after the first one, and cut below what the link carries.
     */
    boolean timeToReduceFurther(long nowMicros, long ackedBitrate) {
        long interval = Math.max(MIN_REDUCE_INTERVAL_MICROS, Math.min(MAX_REDUCE_INTERVAL_MICROS, rttMicros));
        return nowMicros - lastChangeMicros >= interval && ackedBitrate > 0 && ackedBitrate < bitrate;
    }

    /** Applies the detector's signal; returns the new estimate in bit/s. */
    long update(BandwidthUsage usage, long ackedBitrate, long nowMicros) {
        switch (usage) {
            case OVERUSING -> state = State.DECREASE;
            case NORMAL -> {
                if (state == State.HOLD) {
                    state = State.INCREASE;
                }
            }
            case UNDERUSING -> state = State.HOLD;
        }
        if (lastChangeMicros == Long.MIN_VALUE) {
            lastChangeMicros = nowMicros;
        }
        switch (state) {
            case HOLD -> { }
            case INCREASE -> increase(ackedBitrate, nowMicros);
            case DECREASE -> decrease(ackedBitrate, nowMicros);
        }
        return bitrate;
    }

    private void increase(long ackedBitrate, long nowMicros) {
        if (linkCapacity.known() && bitrate > linkCapacity.upperBound()) {
            linkCapacity.reset();
        }
        long elapsed = Math.max(0, nowMicros - lastChangeMicros);
        long increment;
        if (linkCapacity.known()) {
            increment = (long) (nearCapacityIncreasePerSecond() * Math.min(elapsed, 1_000_000) / 1e6);
        } else {
            double alpha = Math.pow(INCREASE_PER_SECOND, Math.min(elapsed, 1_000_000) / 1e6);
            increment = Math.max((long) (bitrate * (alpha - 1)), MIN_INCREASE_BPS);
        }
        long increased = bitrate + increment;
        if (ackedBitrate > 0) {
            long throughputLimit = (long) (THROUGHPUT_HEADROOM * ackedBitrate) + THROUGHPUT_SLACK_BPS;
            if (increased > throughputLimit) {
                increased = Math.max(bitrate, throughputLimit);
            }
        }
        bitrate = clamp(increased);
        lastChangeMicros = nowMicros;
    }

    /** About one packet per response time (a round trip and the receiver's feedback delay). */
    private double nearCapacityIncreasePerSecond() {
        double bitsPerFrame = bitrate / FRAMES_PER_SECOND;
        double packetsPerFrame = Math.ceil(bitsPerFrame / PACKET_BITS);
        double packetBits = bitsPerFrame / packetsPerFrame;
        double responseSeconds = (rttMicros + RESPONSE_EXTRA_MICROS) / 1e6;
        return Math.max(MIN_ADDITIVE_BPS_PER_SECOND, packetBits / responseSeconds);
    }

    private void decrease(long ackedBitrate, long nowMicros) {
        long decreased = (long) (BETA * (ackedBitrate > 0 ? ackedBitrate : bitrate));
        if (decreased > bitrate && linkCapacity.known()) {
            decreased = (long) (BETA * linkCapacity.bitrate());
        }
        if (decreased < bitrate) {
            if (ackedBitrate > 0) {
                if (linkCapacity.known() && ackedBitrate < linkCapacity.lowerBound()) {
                    linkCapacity.reset();
                }
                linkCapacity.onOveruse(ackedBitrate);
            }
            bitrate = clamp(decreased);
        }
        state = State.HOLD;
        lastChangeMicros = nowMicros;
    }

    private long clamp(long value) {
        return Math.max(minBitrate, Math.min(maxBitrate, value));
    }

    long bitrate() {
        return bitrate;
    }

    State state() {
        return state;
    }
}
