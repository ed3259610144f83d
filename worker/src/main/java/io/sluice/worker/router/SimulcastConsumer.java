package io.sluice.worker.router;

import io.netty.buffer.ByteBufAllocator;
import io.sluice.worker.router.parameters.RtpParameters;
import io.sluice.worker.rtp.RtpPacket;
import io.sluice.worker.rtp.codecs.PayloadDescriptor;
import io.sluice.worker.time.Clock;
import java.util.Map;

/**
 * A consumer of a simulcast producer (mediasoup's SimulcastConsumer): it forwards one encoding at
 * a time as one continuous stream. The target encoding is the preferred one, or, while that one
 * sends nothing, the best lower one that does (else the lowest higher one); the consumer switches
 * to it only at the first packet of one of its key frames, and asks the sender for such a key
 * frame when it wants to switch (in the first {@link #STARTUP_GRACE_MS} of the producer, only the
 * preferred encoding is waited for). Across a switch the receiver sees one SSRC, sequence numbers
 * that follow on ({@link SequenceNumberMap}), and timestamps carried over from the previous
 * encoding's timeline through both encodings' sender reports (RFC 3550 §6.4.1: an SR pairs an
 * NTP time with the stream's RTP timestamp), so the picture neither jumps nor freezes; without
 * sender reports the timestamp continues from the last one sent plus the wall time elapsed.
 * Temporal layers above the target are dropped by the codec's rewriter, which also keeps picture
 * ids continuous. Runs on the router's loop.
 */
public final class SimulcastConsumer extends LayeredConsumer {

    /**
     * A sender starts its encodings within a few packets of each other: for this long after the
     * producer's first packet only the preferred encoding is chosen, so that the consumer does not
     * start on another one and switch at once.
     */
    static final long STARTUP_GRACE_MS = 250;

    /** The encoding forwarded now, -1 for none. */
    private int currentStream = -1;
    /** The encoding forwarded last (kept across pauses), -1 before the first packet. */
    private int lastForwardedStream = -1;

    SimulcastConsumer(String id, Producer producer, MediaTransport transport, RtpParameters rtpParameters,
            boolean paused, Map<String, String> appData, Clock clock, ByteBufAllocator allocator,
            ConsumerLayers preferred) {
        super(id, producer, transport, rtpParameters, paused, appData, clock, allocator,
                producer.streamCount(), producer.scalabilityMode().temporalLayers(), preferred);
        updateTargetLayers(false);
    }

    @Override
    public String type() {
        return "simulcast";
    }

    @Override
    protected int currentSpatialLayer() {
        return currentStream;
    }

    @Override
    void send(int producerStream, RtpPacket packet) {
        if (!active()) {
            drop(DropReason.PAUSED);
            return;
        }
        if (targetSpatialLayer < 0) {
            // Nothing chosen yet: the startup grace may be over, or an encoding may have started.
            updateTargetLayers(false);
        }
        if (producerStream != currentStream && producerStream != targetSpatialLayer) {
            return;
        }
        PayloadDescriptor descriptor = forwardableDescriptor(packet);
        if (descriptor == null) {
            return;
        }
        long now = clock.monotonicMillis();
        if (producerStream != currentStream) {
            // RFC 7741 §4.3: a decoder can start only at the first packet of a key frame.
            if (!descriptor.keyFrame() || !descriptor.startOfFrame()) {
                if (currentStream < 0) {
                    drop(DropReason.WAITING_FOR_KEY_FRAME);
                }
                producer().requestKeyFrame(producerStream);
                return;
            }
            switchTo(producerStream, packet, now);
        }
        int temporal = rewriterTemporalTarget(
                producerStream == targetSpatialLayer ? targetTemporalLayer : temporalLayers - 1);
        if (!rewriter.accept(descriptor, 0, temporal)) {
            sequenceNumbers.drop(packet.sequenceNumber());
            return;
        }
        forward(packet, now);
    }

    /**
     * Starts forwarding encoding {@code to} at its key frame {@code packet}: the sequence numbers
     * follow the last one sent, and the timestamps continue the outgoing timeline.
     */
    private void switchTo(int to, RtpPacket packet, long now) {
        if (stream.sentAny()) {
            sequenceNumbers.resync(packet.sequenceNumber(), (stream.lastSequenceNumber() + 1) & 0xFFFF);
            timestampOffset = (continuedTimestamp(to, packet.timestamp(), now) - packet.timestamp()) & TIMESTAMP_MASK;
            rewriter.onSourceSwitch();
        } else {
            sequenceNumbers.resync(packet.sequenceNumber(), packet.sequenceNumber());
            timestampOffset = 0;
        }
        currentStream = to;
        lastForwardedStream = to;
    }

    /**
     * The outgoing timestamp of encoding {@code to}'s packet stamped {@code timestamp}: mapped
     * through the sender reports onto the timeline of the encoding forwarded last (or that
     * encoding's own offset when it is the same one again); a result at or before the last
     * timestamp sent becomes the next tick (a new picture needs a new timestamp), and one that is
     * implausible (more than a second beyond the wall time elapsed) falls back to the last
     * timestamp sent plus the wall time elapsed.
     */
    private long continuedTimestamp(int to, long timestamp, long now) {
        int clockRate = stream.clockRate();
        long lastTimestamp = stream.lastTimestamp();
        long elapsedTicks = Math.max(1, (now - stream.lastSentAtMs()) * clockRate / 1000);
        long fallback = (lastTimestamp + elapsedTicks) & TIMESTAMP_MASK;
        int from = lastForwardedStream;
        long candidate;
        if (from == to) {
            candidate = (timestamp + timestampOffset) & TIMESTAMP_MASK;
        } else if (from >= 0 && producer().stream(from).hasSenderReport() && producer().stream(to).hasSenderReport()) {
            long onPreviousClock = timestamp - producer().stream(to).senderReportRtpTimestamp()
                    + producer().stream(from).senderReportRtpTimestamp()
                    + (producer().stream(to).senderReportNtpMs() - producer().stream(from).senderReportNtpMs()) * clockRate / 1000;
            candidate = (onPreviousClock + timestampOffset) & TIMESTAMP_MASK;
        } else {
            return fallback;
        }
        int ahead = (int) (candidate - lastTimestamp);
        if (ahead > 0 && ahead <= elapsedTicks + clockRate) {
            return candidate;
        }
        if (ahead <= 0 && ahead > -clockRate) {
            return (lastTimestamp + 1) & TIMESTAMP_MASK;
        }
        return fallback;
    }

    @Override
    protected void updateTargetLayers(boolean preferenceChanged) {
        int spatial = -1;
        int ceiling = ceilingSpatialLayer();
        long sinceFirstPacket = producer().firstPacketMs() == Long.MIN_VALUE ? 0
                : clock.monotonicMillis() - producer().firstPacketMs();
        if (ceiling < 0) {
            spatial = -1;
        } else if (active() && currentStream < 0 && lastForwardedStream < 0 && sinceFirstPacket < STARTUP_GRACE_MS) {
            spatial = producer().stream(ceiling).active() ? ceiling : -1;
        } else if (active()) {
            for (int candidate = ceiling; candidate >= 0 && spatial < 0; candidate--) {
                if (producer().stream(candidate).active()) {
                    spatial = candidate;
                }
            }
            // Beyond the ceiling only while no allocator chooses: it knows what the link carries.
            for (int candidate = ceiling + 1; candidate < spatialLayers && spatial < 0 && !limitedByBandwidth();
                    candidate++) {
                if (producer().stream(candidate).active()) {
                    spatial = candidate;
                }
            }
        }
        boolean spatialChanged = spatial != targetSpatialLayer;
        targetSpatialLayer = spatial;
        targetTemporalLayer = spatial < 0 ? -1 : ceilingTemporalLayer(spatial);
        if (currentStream >= 0 && (spatial < 0 || !producer().stream(currentStream).active())) {
            currentStream = -1;
        }
        if (spatial >= 0 && spatial != currentStream && (spatialChanged || preferenceChanged)) {
            producer().requestKeyFrame(spatial);
        }
        checkLayersChanged();
    }

    @Override
    protected void onStreamRestart() {
        updateTargetLayers(true);
    }

    @Override
    public void requestKeyFrame() {
        int wanted = targetSpatialLayer >= 0 ? targetSpatialLayer : currentStream;
        if (wanted >= 0) {
            producer().requestKeyFrame(wanted);
        }
    }

    @Override
    protected int producerStreamForScore() {
        return currentStream >= 0 ? currentStream : Math.max(0, targetSpatialLayer);
    }
}
