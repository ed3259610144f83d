package io.sluice.worker.router;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.worker.bwe.BandwidthTrace;
import io.sluice.worker.bwe.BitrateAllocator;
import io.sluice.worker.bwe.SendSideBandwidthEstimator;
import io.sluice.worker.rtcp.FeedbackPsRemb;
import io.sluice.worker.time.Clock;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bandwidth towards one WebRTC transport's endpoint shared out among the transport's
 * consumers (mediasoup's Transport::DistributeAvailableOutgoingBitrate, run from its
 * transport-cc client): the {@link SendSideBandwidthEstimator}'s estimate goes to a
 * {@link BitrateAllocator} at every transport-cc feedback or REMB and at least every
 * {@link #ALLOCATION_INTERVAL_MS}, so that its holds count in time even when feedback pauses;
 * what the consumers would take at their preferred layers is handed back to the estimator as the
 * target of its probing. Layered consumers follow the allocated layers only under a backend's
 * cap for now ({@link #allocate}). The same timer publishes the "bwe" trace (at most every {@link #TRACE_INTERVAL_MS})
 * when enabled, and tells the senders of the transport's producers the
 * {@code setMaxIncomingBitrate} cap as REMB every {@link #REMB_INTERVAL_MS}
 * (draft-alvestrand-rmcat-remb-03 §2.2; mediasoup does the same). On the router's loop; time from
 * the injected {@link Clock}.
 */
final class TransportBitrateAllocation {

    static final long ALLOCATION_INTERVAL_MS = 100;
    static final long TRACE_INTERVAL_MS = 1000;
    static final long REMB_INTERVAL_MS = 1000;

    private final SendSideBandwidthEstimator estimator;
    private final BitrateAllocator allocator;
    private final Clock clock;
    private final Map<Consumer, ConsumerBitrate> members = new IdentityHashMap<>();
    private final WebRtcTransport transport;
    private final TransportMedia media;
    private final ByteBufAllocator buffers;
    private final long localSsrc;
    private long lastAllocationMs = Long.MIN_VALUE;
    private long lastTraceMs = Long.MIN_VALUE;
    private long lastRembMs = Long.MIN_VALUE;
    private boolean layersFollowAllocation;

    /** @param localSsrc the SSRC the transport's RTCP is sent from */
    TransportBitrateAllocation(WebRtcTransport transport, TransportMedia media, Clock clock, ByteBufAllocator buffers,
            long localSsrc) {
        this.transport = transport;
        this.media = media;
        this.estimator = transport.bandwidthEstimator();
        this.allocator = new BitrateAllocator(clock);
        this.clock = clock;
        this.buffers = buffers;
        this.localSsrc = localSsrc;
    }

    /**
     * Only a consumer whose receiver gives feedback to estimate from (transport-cc or REMB, as
     * negotiated) shares the estimate: mediasoup leaves the others out of the distribution too,
     * rather than hold them to the initial bitrate forever.
     */
    void add(Consumer consumer) {
        if (!givesFeedback(consumer)) {
            return;
        }
        ConsumerBitrate member = new ConsumerBitrate(consumer, clock);
        members.put(consumer, member);
        allocator.add(member);
        if (layersFollowAllocation && consumer instanceof LayeredConsumer layered) {
            layered.limitByBandwidth();
        }
        allocate();
    }

    void remove(Consumer consumer) {
        ConsumerBitrate member = members.remove(consumer);
        if (member != null) {
            allocator.remove(member);
            allocate();
        }
    }

    private static boolean givesFeedback(Consumer consumer) {
        return consumer.rtpParameters().codecs().stream().anyMatch(codec -> codec.rtcpFeedback().stream()
                .anyMatch(feedback -> feedback.type().equals("transport-cc") || feedback.type().equals("goog-remb")));
    }

    /** A transport-cc feedback or REMB changed the estimate. */
    void onEstimateChanged() {
        allocate();
    }

    /** The worker's media timer: due probe clusters start, and the allocation runs if none ran lately. */
    void onTimer() {
        estimator.process();
        long now = clock.monotonicMillis();
        if (isDue(lastAllocationMs, ALLOCATION_INTERVAL_MS, now)) {
            allocate();
        }
        if (transport.bandwidthTraceEnabled() && isDue(lastTraceMs, TRACE_INTERVAL_MS, now)) {
            lastTraceMs = now;
            transport.events().bandwidthTrace(transport, BandwidthTrace.of(estimator, allocator.allocatedBitrate()));
        }
        if (transport.maxIncomingBitrate() > 0 && isDue(lastRembMs, REMB_INTERVAL_MS, now)) {
            lastRembMs = now;
            sendRemb(transport.maxIncomingBitrate());
        }
    }

    private static boolean isDue(long lastMs, long intervalMs, long nowMs) {
        return lastMs == Long.MIN_VALUE || nowMs - lastMs >= intervalMs;
    }

    /** REMB (draft-alvestrand-rmcat-remb-03 §2.2) naming the SSRCs of every producer stream of the transport. */
    private void sendRemb(long bitrate) {
        List<Long> ssrcs = new ArrayList<>();
        for (Producer producer : media.producers()) {
            for (int stream = 0; stream < producer.streamCount() && ssrcs.size() < 255; stream++) {
                if (producer.stream(stream).ssrc() >= 0) {
                    ssrcs.add(producer.stream(stream).ssrc());
                }
            }
        }
        if (ssrcs.isEmpty()) {
            return;
        }
        FeedbackPsRemb remb = new FeedbackPsRemb(localSsrc, 0, bitrate, ssrcs);
        ByteBuf packet = buffers.directBuffer(remb.serializedLength() + transport.srtpOverhead());
        remb.writeTo(packet);
        transport.sendRtcp(packet);
    }

    /**
     * Shares out the bandwidth when the consumers' layers follow it. Until the transport probes
     * (no padding or RTX is sent on the probator stream yet), the delay-based estimate cannot rise
     * much above what is being sent, so a viewer held to a low layer would never climb back (the
     * Chromium simulcast test stayed at 320x180 on loopback). So for now the layers follow the
     * allocation only under a cap the backend set with {@code transport.setMaxOutgoingBitrate},
     * which is shared out as it is: the estimate is computed and reported (getStats, the "bwe"
     * trace) but limits no layer.
     */
    private void allocate() {
        lastAllocationMs = clock.monotonicMillis();
        boolean capped = estimator.maxBitrate() < SendSideBandwidthEstimator.DEFAULT_MAX_BITRATE;
        if (capped != layersFollowAllocation) {
            layersFollowAllocation = capped;
            for (Consumer consumer : members.keySet()) {
                if (consumer instanceof LayeredConsumer layered) {
                    if (capped) {
                        layered.limitByBandwidth();
                    } else {
                        layered.unlimitByBandwidth();
                    }
                }
            }
        }
        if (layersFollowAllocation) {
            allocator.allocate(estimator.maxBitrate());
            estimator.setDesiredBitrate(allocator.desiredBitrate());
        }
    }

    SendSideBandwidthEstimator estimator() {
        return estimator;
    }

    BitrateAllocator allocator() {
        return allocator;
    }
}
