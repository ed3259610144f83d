package io.sluice.worker.router;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.worker.bwe.BandwidthTrace;
import io.sluice.worker.bwe.BitrateAllocator;
import io.sluice.worker.bwe.SendSideBandwidthEstimator;
import io.netty.channel.EventLoop;
import io.sluice.worker.dtls.DtlsState;
import io.sluice.worker.router.ortc.RtpHeaderExtensionUris;
import io.sluice.worker.router.parameters.MediaKind;
import io.sluice.worker.router.parameters.RtpHeaderExtensionParameters;
import io.sluice.worker.rtcp.FeedbackPsRemb;
import io.sluice.worker.time.Clock;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bandwidth towards one WebRTC transport's endpoint shared out among the transport's
 * consumers (mediasoup's Transport::DistributeAvailableOutgoingBitrate, run from its
 * transport-cc client): the {@link SendSideBandwidthEstimator}'s estimate (within
 * {@code setMaxOutgoingBitrate}) goes to a {@link BitrateAllocator} at every transport-cc
 * feedback or REMB and at least every {@link #ALLOCATION_INTERVAL_MS}, so that its holds count in
 * time even when feedback pauses; the layered consumers forward the layers it allocates. What the
 * consumers would take at their preferred layers, with headroom
 * ({@link BitrateAllocator#probeTargetBitrate}), is handed back
 * to the estimator as the target of its probing, whose padding the {@link ProbatorStream} sends
 * once the transport is connected. The same timer publishes the "bwe" trace (at most every
 * {@link #TRACE_INTERVAL_MS}) when enabled, and tells the senders of the transport's producers
 * the {@code setMaxIncomingBitrate} cap as REMB every {@link #REMB_INTERVAL_MS}
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
    private final ProbatorStream probator;
    private long lastAllocationMs = Long.MIN_VALUE;
    private long lastTraceMs = Long.MIN_VALUE;
    private long lastRembMs = Long.MIN_VALUE;

    /** @param localSsrc the SSRC the transport's RTCP is sent from */
    TransportBitrateAllocation(WebRtcTransport transport, TransportMedia media, Clock clock, ByteBufAllocator buffers,
            EventLoop loop, long localSsrc) {
        this.transport = transport;
        this.media = media;
        this.estimator = transport.bandwidthEstimator();
        this.allocator = new BitrateAllocator(clock);
        this.clock = clock;
        this.buffers = buffers;
        this.localSsrc = localSsrc;
        this.probator = new ProbatorStream(transport, buffers, loop, clock);
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
        if (consumer instanceof LayeredConsumer layered) {
            layered.limitByBandwidth();
        }
        if (consumer.kind() == MediaKind.VIDEO && !probator.enabled()) {
            probator.setTransportWideSequenceId(transportWideSequenceId(consumer));
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

    /**
     * The consumer's id of the transport-wide sequence number when its receiver also gives
     * transport-cc feedback, else 0. mediasoup-client sets up the probator stream with the first
     * video consumer, and every consumer of a transport uses the router's extension ids.
     */
    private static int transportWideSequenceId(Consumer consumer) {
        boolean feedback = consumer.rtpParameters().codecs().stream()
                .anyMatch(codec -> codec.rtcpFeedback().stream().anyMatch(f -> f.type().equals("transport-cc")));
        if (!feedback) {
            return 0;
        }
        for (RtpHeaderExtensionParameters extension : consumer.rtpParameters().headerExtensions()) {
            if (extension.uri().equals(RtpHeaderExtensionUris.TRANSPORT_WIDE_CC_01)) {
                return extension.id();
            }
        }
        return 0;
    }

    /** A transport-cc feedback or REMB changed the estimate. */
    void onEstimateChanged() {
        allocate();
    }

    /** The worker's media timer: due probe clusters start, and the allocation runs if none ran lately. */
    void onTimer() {
        if (transport.dtlsState() == DtlsState.CONNECTED) {
            // Probes before the transport can send would be counted as sent and never reported.
            estimator.process();
            probator.onTimer();
        }
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

    private void allocate() {
        lastAllocationMs = clock.monotonicMillis();
        allocator.allocate(estimator.availableBitrate());
        estimator.setDesiredBitrate(allocator.probeTargetBitrate());
    }

    SendSideBandwidthEstimator estimator() {
        return estimator;
    }

    BitrateAllocator allocator() {
        return allocator;
    }

    ProbatorStream probator() {
        return probator;
    }
}
