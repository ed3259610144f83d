package io.sluice.worker.router;

import io.sluice.worker.bwe.BitrateConsumer;
import io.sluice.worker.bwe.LayerChangeReason;
import io.sluice.worker.router.parameters.MediaKind;
import io.sluice.worker.router.stats.RtpReceiveStreamStats;
import io.sluice.worker.time.Clock;

/**
 * A consumer as the {@link io.sluice.worker.bwe.BitrateAllocator} sees it (mediasoup's
 * Consumer::GetBitratePriority, IncreaseLayer and ApplyLayers): its priority, what each of its
 * layers costs (its producer's {@link io.sluice.worker.router.stats.LayerBitrates}), whether a
 * layer's stream scores well enough, the backend's preferred layers, and where the decision goes.
 * A simulcast consumer's spatial layers are the producer's encodings, an SVC consumer's the
 * stream's spatial layers; a simple consumer (audio, single-stream video) has one layer, always
 * taken. On the router's loop.
 */
final class ConsumerBitrate implements BitrateConsumer {

    private final Consumer consumer;
    private final LayeredConsumer layered;
    private final Clock clock;

    ConsumerBitrate(Consumer consumer, Clock clock) {
        this.consumer = consumer;
        this.layered = consumer instanceof LayeredConsumer layeredConsumer ? layeredConsumer : null;
        this.clock = clock;
    }

    Consumer consumer() {
        return consumer;
    }

    @Override
    public Kind kind() {
        return consumer.kind() == MediaKind.AUDIO ? Kind.AUDIO : Kind.VIDEO;
    }

    @Override
    public int priority() {
        return consumer.priority();
    }

    @Override
    public boolean isActive() {
        return !consumer.paused() && !consumer.producerPaused();
    }

    @Override
    public int spatialLayerCount() {
        return layered == null ? 1 : layered.spatialLayers;
    }

    @Override
    public int temporalLayerCount() {
        return layered == null ? 1 : layered.temporalLayers;
    }

    @Override
    public long layerBitrate(int spatial, int temporal) {
        Producer producer = consumer.producer();
        long now = clock.monotonicMillis();
        if (layered == null) {
            return producer.layerBitrates().bitrate(0, Integer.MAX_VALUE, Integer.MAX_VALUE, now);
        }
        if (layered instanceof SimulcastConsumer) {
            return producer.layerBitrates().bitrate(spatial, 0, temporal, now);
        }
        return producer.layerBitrates().bitrate(0, spatial, temporal, now);
    }

    /** mediasoup skips a layer whose stream scores 0; a stream not yet scored is given the benefit of the doubt. */
    @Override
    public boolean isLayerHealthy(int spatial) {
        RtpReceiveStreamStats stream = consumer.producer().stream(layered instanceof SimulcastConsumer ? spatial : 0).stats();
        return stream.score() > 0 || !stream.scored();
    }

    @Override
    public int preferredSpatialLayer() {
        return layered == null ? 0 : layered.preferredSpatialLayer();
    }

    @Override
    public int preferredTemporalLayer() {
        return layered == null ? 0 : layered.preferredTemporalLayer();
    }

    @Override
    public void applyLayers(int spatial, int temporal, LayerChangeReason reason) {
        if (layered != null) {
            layered.applyAllocatedLayers(spatial, temporal, reason);
        }
    }
}
