package io.sluice.worker.router;

import io.netty.buffer.ByteBufAllocator;
import io.sluice.worker.bwe.LayerChangeReason;
import io.sluice.worker.router.parameters.RtpParameters;
import io.sluice.worker.rtp.RtpPacket;
import io.sluice.worker.rtp.codecs.LayerRewriter;
import io.sluice.worker.rtp.codecs.PayloadDescriptor;
import io.sluice.worker.time.Clock;
import java.util.Map;

/**
 * What simulcast and SVC consumers share (mediasoup's layer handling in SimulcastConsumer and
 * SvcConsumer): the layers the backend prefers (consumer.setPreferredLayers; by default the
 * highest), the layers the consumer is switching to (the preferred ones, or the best the producer
 * sends now), the layers it forwards now, and a "layerschange" whenever those change, including
 * to none (paused, or nothing usable sent), with the {@link LayerChangeReason} of the last decision.
 * On a transport that estimates its bandwidth, the target also stays within the layers the
 * bandwidth allocator gives ({@link #applyAllocatedLayers}): the backend's preferred layers are the
 * ceiling, the allocator chooses below it. Spatial layers are the simulcast encodings (index 0 the
 * lowest) or the SVC spatial layers; temporal layers are the codec's, dropped by a
 * {@link LayerRewriter}. Runs on the router's loop.
 */
public abstract class LayeredConsumer extends Consumer {

    /** Hears a layered consumer's current layers change; the worker publishes "layerschange". */
    @FunctionalInterface
    public interface LayersListener {
        void onLayersChanged(LayeredConsumer consumer);
    }

    protected final int spatialLayers;
    protected final int temporalLayers;
    protected final LayerRewriter rewriter;
    /** The outgoing copy's payload rewrite (picture ids, TL0PICIDX, marker), made once. */
    protected final ConsumerSendStream.PayloadRewrite payloadRewrite;
    protected static final long TIMESTAMP_MASK = 0xFFFFFFFFL;

    protected final SequenceNumberMap sequenceNumbers = new SequenceNumberMap();
    /** Outgoing timestamp = the forwarded packet's timestamp + this (mod 2^32). */
    protected long timestampOffset;
    private int preferredSpatialLayer;
    private int preferredTemporalLayer;
    protected int targetSpatialLayer = -1;
    protected int targetTemporalLayer = -1;
    private int reportedSpatialLayer = -1;
    private int reportedTemporalLayer = -1;
    private LayersListener layersListener = consumer -> { };
    private static final int UNLIMITED = Integer.MAX_VALUE;
    /** The bandwidth allocator's layers; unlimited unless the transport estimates its bandwidth. */
    private int allocatedSpatialLayer = UNLIMITED;
    private int allocatedTemporalLayer = UNLIMITED;
    private LayerChangeReason layersChangeReason = LayerChangeReason.PRODUCER;
    /** The overload handling holds the consumer to its lowest spatial layer ({@link LoadShedder}). */
    private boolean shedLayers;

    LayeredConsumer(String id, Producer producer, MediaTransport transport, RtpParameters rtpParameters,
            boolean paused, Map<String, String> appData, Clock clock, ByteBufAllocator allocator,
            int spatialLayers, int temporalLayers, ConsumerLayers preferred) {
        super(id, producer, transport, rtpParameters, paused, appData, clock, allocator);
        this.spatialLayers = spatialLayers;
        this.temporalLayers = temporalLayers;
        this.rewriter = LayerRewriter.forMimeType(rtpParameters.codecs().get(0).mimeType(),
                producer.rtpParameters().encodings().get(0).scalabilityMode());
        this.payloadRewrite = outgoing -> {
            rewriter.rewrite(outgoing.buffer(), outgoing.payloadOffset(), outgoing.payloadLength());
            outgoing.setMarker(rewriter.endOfForwardedFrame());
        };
        this.preferredSpatialLayer = spatialLayers - 1;
        this.preferredTemporalLayer = temporalLayers - 1;
        if (preferred != null) {
            clampPreferred(preferred);
        }
    }

    public final void setLayersListener(LayersListener listener) {
        this.layersListener = listener;
    }

    /**
     * consumer.setPreferredLayers: layers above the producer's are clamped to its highest; an unset
     * temporal layer means the highest. Returns the preferred layers in effect.
     */
    public final ConsumerLayers setPreferredLayers(ConsumerLayers preferred) {
        int spatialBefore = preferredSpatialLayer;
        clampPreferred(preferred);
        layersChangeReason = LayerChangeReason.PREFERRED;
        updateTargetLayers(preferredSpatialLayer != spatialBefore);
        return preferredLayers();
    }

    private void clampPreferred(ConsumerLayers preferred) {
        preferredSpatialLayer = Math.min(preferred.spatialLayer(), spatialLayers - 1);
        preferredTemporalLayer = preferred.hasTemporalLayer()
                ? Math.min(preferred.temporalLayer(), temporalLayers - 1) : temporalLayers - 1;
    }

    protected final int preferredSpatialLayer() {
        return preferredSpatialLayer;
    }

    protected final int preferredTemporalLayer() {
        return preferredTemporalLayer;
    }

    /**
     * From now on the target stays within the layers the bandwidth allocator gives, none until it
     * gives some: the consumer's transport estimates its bandwidth.
     */
    final void limitByBandwidth() {
        allocatedSpatialLayer = -1;
        allocatedTemporalLayer = -1;
        updateTargetLayers(false);
    }

    /** Whether the bandwidth allocator chooses the layers within the preferred ones. */
    protected final boolean limitedByBandwidth() {
        return allocatedSpatialLayer != UNLIMITED;
    }

    /** The bandwidth allocator's decision: target at most these layers (-1, -1: none) from now on. */
    final void applyAllocatedLayers(int spatial, int temporal, LayerChangeReason reason) {
        allocatedSpatialLayer = spatial;
        allocatedTemporalLayer = temporal;
        layersChangeReason = reason;
        updateTargetLayers(false);
    }

    /**
     * The overload handling holds the consumer to its lowest spatial layer ({@code true}) or
     * releases it; returns whether it changed. The "layerschange" that follows keeps the last
     * {@link LayerChangeReason}: the worker's overload event says why.
     */
    final boolean shedLayers(boolean shed) {
        if (shedLayers == shed) {
            return false;
        }
        shedLayers = shed;
        updateTargetLayers(false);
        return true;
    }

    final boolean layersShed() {
        return shedLayers;
    }

    /** Why the layers changed last: what the "layerschange" event carries. */
    public final LayerChangeReason layersChangeReason() {
        return layersChangeReason;
    }

    /**
     * The highest spatial layer to target: the preferred one, within the allocation and, under
     * overload, the lowest; -1 for none.
     */
    protected final int ceilingSpatialLayer() {
        int ceiling = Math.min(preferredSpatialLayer, allocatedSpatialLayer);
        return shedLayers ? Math.min(ceiling, 0) : ceiling;
    }

    /**
     * The highest temporal layer to target at spatial layer {@code spatial}: the preferred one at
     * the preferred spatial layer (all below it), and the allocated one at the allocated spatial layer.
     */
    protected final int ceilingTemporalLayer(int spatial) {
        int temporal = spatial >= preferredSpatialLayer ? preferredTemporalLayer : temporalLayers - 1;
        return spatial >= allocatedSpatialLayer ? Math.min(temporal, allocatedTemporalLayer) : temporal;
    }

    public final ConsumerLayers preferredLayers() {
        return layers(preferredSpatialLayer, preferredTemporalLayer);
    }

    /** The layers the consumer switches to; null when it has none (paused, nothing sent). */
    public final ConsumerLayers targetLayers() {
        return targetSpatialLayer < 0 ? null : layers(targetSpatialLayer, targetTemporalLayer);
    }

    /** The layers forwarded now; null for none. */
    public final ConsumerLayers currentLayers() {
        int spatial = currentSpatialLayer();
        return spatial < 0 ? null : layers(spatial, Math.min(currentTemporalLayer(), temporalLayers - 1));
    }

    private static ConsumerLayers layers(int spatial, int temporal) {
        return ConsumerLayers.of(spatial, Math.max(0, temporal));
    }

    /** Beyond any temporal layer a codec signals (VP8 and VP9 use 3 bits). */
    private static final int ALL_TEMPORAL_LAYERS = 7;

    /**
     * The temporal target the rewriter gets for {@code target}: the highest announced layer means
     * every layer, so that a sender that sends more temporal layers than its scalability mode says
     * (or none) is not cut down to the ones announced.
     */
    protected final int rewriterTemporalTarget(int target) {
        return target >= temporalLayers - 1 ? ALL_TEMPORAL_LAYERS : target;
    }

    /** The spatial layer forwarded now, -1 for none. */
    protected abstract int currentSpatialLayer();

    /**
     * The temporal layer forwarded now, the rewriter's (meaningful while {@link #currentSpatialLayer()}
     * is not -1).
     */
    protected final int currentTemporalLayer() {
        return rewriter.currentTemporalLayer();
    }

    /**
     * Chooses the target layers again from the preferred ones, the pause state and what the
     * producer sends; {@code preferenceChanged} when the backend just asked for other layers.
     */
    protected abstract void updateTargetLayers(boolean preferenceChanged);

    /**
     * The payload descriptor the producer parsed for {@code packet}; null, the packet counted as
     * dropped, when its payload type is not the consumer's or its payload is malformed.
     */
    protected final PayloadDescriptor forwardableDescriptor(RtpPacket packet) {
        if (!stream.supportsPayloadType(packet.payloadType())) {
            drop(DropReason.UNSUPPORTED_PAYLOAD_TYPE);
            return null;
        }
        PayloadDescriptor descriptor = producer().payloadDescriptor();
        if (descriptor == null) {
            drop(DropReason.MALFORMED);
        }
        return descriptor;
    }

    /**
     * Sends {@code packet}, which the rewriter accepted, with its sequence number mapped and its
     * timestamp shifted by {@link #timestampOffset}, then publishes a layers change if any.
     */
    protected final void forward(RtpPacket packet, long now) {
        int sequenceNumber = sequenceNumbers.map(packet.sequenceNumber());
        if (sequenceNumber == SequenceNumberMap.TOO_OLD) {
            return;
        }
        long timestamp = (packet.timestamp() + timestampOffset) & TIMESTAMP_MASK;
        count(stream.send(packet, sequenceNumber, timestamp, now, payloadRewrite));
        checkLayersChanged();
    }

    /** Publishes "layerschange" when the forwarded layers differ from the last ones published. */
    protected final void checkLayersChanged() {
        int spatial = currentSpatialLayer();
        int temporal = spatial < 0 ? -1 : Math.max(0, Math.min(currentTemporalLayer(), temporalLayers - 1));
        if (spatial == reportedSpatialLayer && temporal == reportedTemporalLayer) {
            return;
        }
        reportedSpatialLayer = spatial;
        reportedTemporalLayer = temporal;
        layersListener.onLayersChanged(this);
    }

    @Override
    protected void onStreamStopped() {
        layersChangeReason = LayerChangeReason.PRODUCER;
        updateTargetLayers(false);
    }

    @Override
    void onProducerStreamActivity(int stream, boolean active) {
        layersChangeReason = LayerChangeReason.PRODUCER;
        updateTargetLayers(false);
    }

    @Override
    final ConsumerLayers dumpedPreferredLayers() {
        return preferredLayers();
    }

    @Override
    final ConsumerLayers dumpedTargetLayers() {
        return targetLayers();
    }

    @Override
    final ConsumerLayers dumpedCurrentLayers() {
        return currentLayers();
    }
}
