package io.sluice.worker.bwe;

import io.sluice.worker.rtcp.FeedbackRtpTransport;
import io.sluice.worker.time.Clock;

/**
 * The bandwidth available towards one receiving endpoint, estimated by the sender in the shape of
 * GoogCC (draft-ietf-rmcat-gcc-02; libwebrtc's goog_cc): the transport records every packet it
 * sends ({@link #onPacketSent}) and hands over the receiver's transport-cc feedback
 * ({@link #onTransportFeedback}); the delay-based estimate (§5) and the loss-based one (§6) are
 * combined as the lower of the two, within the receiver's REMB if it sends one, the transport's
 * maximum and its minimum. Probe clusters ({@link #prober()}) are started while the estimate is
 * below the {@link #setDesiredBitrate desired bitrate}, and their measured rate lifts the
 * estimate. A receiver that offers only REMB is served by REMB and the loss of its receiver
 * reports ({@link #onLossReport}).
 *
 * <p>One per transport, on its loop; time from the injected {@link Clock}. Nothing is allocated
 * per sent packet, nor per feedback packet beyond the feedback parser's own arrays.
 */
public final class SendSideBandwidthEstimator {

    /** mediasoup's defaults: initialAvailableOutgoingBitrate 600 kbit/s, minimum 30 kbit/s. */
    public static final long DEFAULT_INITIAL_BITRATE = 600_000;
    public static final long DEFAULT_MIN_BITRATE = 30_000;
    public static final long DEFAULT_MAX_BITRATE = 100_000_000;
    private static final long INITIAL_RTT_MICROS = 200_000;
    private static final double RTT_SMOOTHING = 0.9;
    /** Sending less than this share of the estimate is application-limited (libwebrtc's ALR). */
    private static final double APP_LIMITED_SHARE = 0.85;

    private final Clock clock;
    private final SentPacketHistory history = new SentPacketHistory();
    private final TransportFeedbackAdapter adapter = new TransportFeedbackAdapter(history);
    private final DelayBasedEstimator delayBased;
    private final LossBasedEstimator lossBased;
    private final BitrateProber prober = new BitrateProber();
    private final ProbeController probeController = new ProbeController();
    private final ProbeResultEstimator probeResults = new ProbeResultEstimator();
    private final SendRateMeter sendRate = new SendRateMeter();
    private long minBitrate;
    private long maxBitrate;
    private long rembBitrate;
    private long desiredBitrate;
    private boolean hasTransportFeedback;
    private long rttMicros = INITIAL_RTT_MICROS;
    private long availableBitrate;
    private long feedbackPackets;
    private long lastProbeResult;
    private int nextSequenceNumber;

    /**
     * @param initialBitrate the estimate before any feedback ({@code initialAvailableOutgoingBitrate})
     * @param minBitrate the floor ({@code setMinOutgoingBitrate}), bit/s
     * @param maxBitrate the ceiling ({@code setMaxOutgoingBitrate}), bit/s
     */
    public SendSideBandwidthEstimator(Clock clock, long initialBitrate, long minBitrate, long maxBitrate) {
        if (minBitrate <= 0 || maxBitrate < minBitrate || initialBitrate <= 0) {
            throw new IllegalArgumentException("bitrates must be positive with min <= max: initial "
                    + initialBitrate + ", min " + minBitrate + ", max " + maxBitrate);
        }
        this.clock = clock;
        this.minBitrate = minBitrate;
        this.maxBitrate = maxBitrate;
        long initial = Math.max(minBitrate, Math.min(maxBitrate, initialBitrate));
        delayBased = new DelayBasedEstimator(initial, minBitrate, maxBitrate);
        lossBased = new LossBasedEstimator(initial);
        availableBitrate = initial;
    }

    /** mediasoup's defaults: the start, floor and ceiling of a transport created without them. */
    public static SendSideBandwidthEstimator withDefaults(Clock clock) {
        return new SendSideBandwidthEstimator(clock, DEFAULT_INITIAL_BITRATE, DEFAULT_MIN_BITRATE, DEFAULT_MAX_BITRATE);
    }

    /**
     * A packet of {@code sizeBytes} on the wire leaves now: returns the transport-wide sequence
     * number it carries (§2 of draft-holmer-rmcat-transport-wide-cc-extensions-01: one counter
     * across every packet the transport sends; the first is 1, as libwebrtc's), recorded as
     * {@link #onPacketSent} does.
     */
    public int sendPacket(int sizeBytes) {
        nextSequenceNumber = (nextSequenceNumber + 1) & 0xFFFF;
        onPacketSent(nextSequenceNumber, sizeBytes);
        return nextSequenceNumber;
    }

    /**
     * A packet left with transport-wide number {@code transportSequenceNumber} (§2 of
     * draft-holmer-rmcat-transport-wide-cc-extensions-01), {@code sizeBytes} on the wire: media,
     * retransmission or padding alike. Counts towards the active probe cluster, if any.
     */
    public void onPacketSent(int transportSequenceNumber, int sizeBytes) {
        long now = clock.monotonicMicros();
        int cluster = prober.activeClusterId();
        history.onPacketSent(transportSequenceNumber, sizeBytes, cluster, now);
        prober.onPacketSent(cluster, sizeBytes, now);
        if (cluster == SentPacketHistory.NO_CLUSTER) {
            sendRate.onSent(sizeBytes, now);
        }
    }

    /** The receiver's transport-cc feedback (§3.1). */
    public void onTransportFeedback(FeedbackRtpTransport feedback) {
        long now = clock.monotonicMicros();
        if (adapter.adapt(feedback) == 0) {
            return;
        }
        feedbackPackets++;
        hasTransportFeedback = true;
        if (adapter.latestReceivedSendMicros() != TransportFeedbackAdapter.LOST) {
            long sample = now - adapter.latestReceivedSendMicros();
            rttMicros = (long) (RTT_SMOOTHING * rttMicros + (1 - RTT_SMOOTHING) * sample);
            delayBased.setRttMicros(rttMicros);
        }
        long probeResult = probeResults.onFeedback(adapter, prober);
        delayBased.onFeedback(adapter, probeResult, now);
        lossBased.onPacketResults(adapter.lost(), adapter.count(), rttMicros, now);
        if (probeResult > 0) {
            lastProbeResult = probeResult;
            lossBased.setBitrate(Math.max(lossBased.bitrate(), probeResult));
        }
        updateAvailableBitrate();
        if (probeResult > 0) {
            probeController.onProbeResult(probeResults.resultClusterId(), probeResult, probeCap(), now, prober);
        }
        process();
    }

    /**
     * The receiver's REMB (draft-alvestrand-rmcat-remb-03 §2.2): what it can take, an upper limit
     * of the estimate.
     */
    public void onRemb(long bitrate) {
        rembBitrate = Math.max(0, bitrate);
        updateAvailableBitrate();
    }

    /**
     * Loss seen by the receiver (RFC 3550 §6.4.2 receiver report: packets lost of those expected
     * since its last report): the loss-based estimate of a receiver without transport-cc.
     * Ignored once transport-cc feedback arrives, which reports the same loss per packet.
     */
    public void onLossReport(int lost, int expected) {
        if (hasTransportFeedback || expected <= 0) {
            return;
        }
        lossBased.onPacketResults(Math.max(0, Math.min(lost, expected)), expected, rttMicros, clock.monotonicMicros());
        updateAvailableBitrate();
    }

    /** The round trip time from RTCP (RFC 3550 §6.4.1), used until feedback gives its own. */
    public void onRoundTripTime(long rttMillis) {
        if (!hasTransportFeedback && rttMillis > 0) {
            rttMicros = rttMillis * 1000;
            delayBased.setRttMicros(rttMicros);
        }
    }

    /** What the consumers would take at their preferred layers: probing aims for it. */
    public void setDesiredBitrate(long bitrate) {
        desiredBitrate = Math.max(0, bitrate);
    }

    public void setMinBitrate(long bitrate) {
        setLimits(bitrate, Math.max(bitrate, maxBitrate));
    }

    public void setMaxBitrate(long bitrate) {
        setLimits(Math.min(minBitrate, bitrate), bitrate);
    }

    private void setLimits(long min, long max) {
        if (min <= 0) {
            throw new IllegalArgumentException("bitrate must be positive: " + min);
        }
        minBitrate = min;
        maxBitrate = max;
        delayBased.setLimits(min, max);
        updateAvailableBitrate();
    }

    /** Starts the probe clusters due; the transport calls it on its timer as well. */
    public void process() {
        long now = clock.monotonicMicros();
        probeController.process(availableBitrate, probeCap(), delayBased.lastDecreaseMicros(), isAppLimited(now),
                now, prober);
    }

    private boolean isAppLimited(long nowMicros) {
        return sendRate.bitrate(nowMicros) < APP_LIMITED_SHARE * availableBitrate;
    }

    private long probeCap() {
        long cap = Math.min(desiredBitrate, maxBitrate);
        return rembBitrate > 0 ? Math.min(cap, rembBitrate) : cap;
    }

    private void updateAvailableBitrate() {
        long upper = maxBitrate;
        if (rembBitrate > 0) {
            upper = Math.min(upper, rembBitrate);
        }
        if (hasTransportFeedback) {
            upper = Math.min(upper, delayBased.bitrate());
        }
        long loss = Math.max(minBitrate, Math.min(upper, lossBased.bitrate()));
        lossBased.setBitrate(loss);
        availableBitrate = loss;
    }

    /** The estimate, bit/s: what the allocator may distribute. */
    public long availableBitrate() {
        return availableBitrate;
    }

    public BitrateProber prober() {
        return prober;
    }

    public ProbeState probeState() {
        return prober.isProbing() ? ProbeState.PROBING : probeController.state();
    }

    public long desiredBitrate() {
        return desiredBitrate;
    }

    /** The desired bitrate within the transport's limits and the receiver's REMB. */
    public long effectiveDesiredBitrate() {
        return probeCap();
    }

    public long delayBasedBitrate() {
        return delayBased.bitrate();
    }

    public long lossBasedBitrate() {
        return lossBased.bitrate();
    }

    /** What the receiver reported getting over the last half second, 0 while unknown. */
    public long acknowledgedBitrate() {
        return delayBased.acknowledgedBitrate();
    }

    /** The receiver's REMB, 0 when none came. */
    public long rembBitrate() {
        return rembBitrate;
    }

    public BandwidthUsage bandwidthUsage() {
        return delayBased.usage();
    }

    public double lossFraction() {
        return lossBased.lastLossFraction();
    }

    public long rttMicros() {
        return rttMicros;
    }

    public long minBitrate() {
        return minBitrate;
    }

    public long maxBitrate() {
        return maxBitrate;
    }

    /** What was sent outside probe clusters over the last second, bit/s. */
    public long sendBitrate() {
        return sendRate.bitrate(clock.monotonicMicros());
    }

    public long feedbackPackets() {
        return feedbackPackets;
    }

    /** The last probe cluster's measured rate, 0 before the first. */
    public long lastProbeResult() {
        return lastProbeResult;
    }

    public SentPacketHistory history() {
        return history;
    }
}
