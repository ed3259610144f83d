package io.sluice.worker.router;

import io.netty.buffer.ByteBufAllocator;
import io.sluice.worker.router.parameters.RtpParameters;
import io.sluice.worker.rtp.RtpPacket;
import io.sluice.worker.rtp.codecs.PayloadDescriptor;
import io.sluice.worker.time.Clock;
import java.util.Map;

/**
 * A consumer of an SVC producer (mediasoup's SvcConsumer): one stream whose spatial and temporal
 * layers above the target are left out by the codec's rewriter (VP9, RFC 9628), with the marker
 * bit moved to the last packet forwarded of each picture when higher spatial layers are dropped.
 * It starts, and starts again after a pause, at a key frame; with K-SVC ("L3T3_KEY", as Chromium
 * sends) spatial layers depend on each other only at key frames, so going up a spatial layer asks
 * the sender for one. Sequence numbers stay continuous over the dropped packets
 * ({@link SequenceNumberMap}). Runs on the router's loop.
 */
public final class SvcConsumer extends LayeredConsumer {

    /** The producer's single encoding. */
    private static final int STREAM = 0;

    private boolean syncRequired = true;

    SvcConsumer(String id, Producer producer, MediaTransport transport, RtpParameters rtpParameters,
            boolean paused, Map<String, String> appData, Clock clock, ByteBufAllocator allocator,
            ConsumerLayers preferred) {
        super(id, producer, transport, rtpParameters, paused, appData, clock, allocator,
                producer.scalabilityMode().spatialLayers(), producer.scalabilityMode().temporalLayers(), preferred);
        updateTargetLayers(false);
    }

    @Override
    public String type() {
        return "svc";
    }

    @Override
    protected int currentSpatialLayer() {
        return syncRequired ? -1 : rewriter.currentSpatialLayer();
    }

    @Override
    void send(int producerStream, RtpPacket packet) {
        if (!active()) {
            drop(DropReason.PAUSED);
            return;
        }
        if (producerStream != STREAM || targetSpatialLayer < 0) {
            return;
        }
        PayloadDescriptor descriptor = forwardableDescriptor(packet);
        if (descriptor == null) {
            return;
        }
        long now = clock.monotonicMillis();
        if (syncRequired) {
            // RFC 9628 §4.2: a receiver can start decoding at a key frame of the lowest spatial layer.
            if (!descriptor.keyFrame() || !descriptor.startOfFrame() || descriptor.spatialLayer() != 0) {
                drop(DropReason.WAITING_FOR_KEY_FRAME);
                producer().requestKeyFrame(STREAM);
                return;
            }
            synchronize(packet, now);
        }
        boolean forwarded = rewriter.accept(descriptor, targetSpatialLayer,
                rewriterTemporalTarget(targetTemporalLayer));
        if (packet.marker() && rewriter.needsKeyFrame(targetSpatialLayer)) {
            // Going up a spatial layer (or down, in K-SVC) waits for a key picture: ask for one,
            // once the whole picture is seen (RFC 9628 §4.1: the marker ends it; a key picture's
            // higher layers follow its first packet).
            producer().requestKeyFrame(STREAM);
        }
        if (!forwarded) {
            sequenceNumbers.drop(packet.sequenceNumber());
            return;
        }
        forward(packet, now);
    }

    /**
     * The first packet after creation keeps the producer's numbering; after a pause the sequence
     * numbers, picture ids and TL0PICIDX follow the last ones sent and the timestamps keep their offset (the producer's
     * timeline runs on), unless that would not move forward, when the wall time elapsed is used.
     */
    private void synchronize(RtpPacket packet, long now) {
        syncRequired = false;
        if (!stream.sentAny()) {
            sequenceNumbers.resync(packet.sequenceNumber(), packet.sequenceNumber());
            timestampOffset = 0;
            return;
        }
        sequenceNumbers.resync(packet.sequenceNumber(), (stream.lastSequenceNumber() + 1) & 0xFFFF);
        // Picture ids and TL0PICIDX continue from the last ones sent, from this key picture on.
        rewriter.onSourceSwitch();
        long continued = (packet.timestamp() + timestampOffset) & TIMESTAMP_MASK;
        long elapsedTicks = Math.max(1, (now - stream.lastSentAtMs()) * stream.clockRate() / 1000);
        int ahead = (int) (continued - stream.lastTimestamp());
        if (ahead <= 0 || ahead > elapsedTicks + stream.clockRate()) {
            continued = (stream.lastTimestamp() + elapsedTicks) & TIMESTAMP_MASK;
        }
        timestampOffset = (continued - packet.timestamp()) & TIMESTAMP_MASK;
    }

    @Override
    protected void updateTargetLayers(boolean preferenceChanged) {
        int spatialBefore = targetSpatialLayer;
        if (active() && producer().stream(STREAM).active() && ceilingSpatialLayer() >= 0) {
            targetSpatialLayer = ceilingSpatialLayer();
            targetTemporalLayer = ceilingTemporalLayer(targetSpatialLayer);
        } else {
            targetSpatialLayer = -1;
            targetTemporalLayer = -1;
        }
        if (targetSpatialLayer < 0) {
            syncRequired = true;
        } else if (!syncRequired && targetSpatialLayer != spatialBefore
                && rewriter.needsKeyFrame(targetSpatialLayer)) {
            producer().requestKeyFrame(STREAM);
        }
        checkLayersChanged();
    }

    @Override
    protected void onStreamRestart() {
        updateTargetLayers(true);
        producer().requestKeyFrame(STREAM);
    }

    @Override
    public void requestKeyFrame() {
        producer().requestKeyFrame(STREAM);
    }
}
