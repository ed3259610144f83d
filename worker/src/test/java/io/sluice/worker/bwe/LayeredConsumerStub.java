package io.sluice.worker.bwe;

import java.util.ArrayList;
import java.util.List;

/**
 * A consumer as the allocator sees it, with a producer's layer bitrates set by the test, and
 * the decisions it was given recorded.
 */
final class LayeredConsumerStub implements BitrateConsumer {

    record Decision(long atMillis, int spatial, int temporal, LayerChangeReason reason) {
    }

    private final Kind kind;
    private final long[][] bitrates;
    private final boolean[] healthy;
    private final java.util.function.LongSupplier clock;
    final List<Decision> decisions = new ArrayList<>();
    int priority = 1;
    boolean active = true;
    int preferredSpatial;
    int preferredTemporal;
    int spatial = -1;
    int temporal = -1;

    /** @param bitrates [spatial][temporal] bit/s, cumulative over temporal layers */
    LayeredConsumerStub(Kind kind, long[][] bitrates, java.util.function.LongSupplier clock) {
        this.kind = kind;
        this.bitrates = bitrates;
        this.healthy = new boolean[bitrates.length];
        java.util.Arrays.fill(healthy, true);
        this.clock = clock;
        preferredSpatial = bitrates.length - 1;
        preferredTemporal = bitrates[0].length - 1;
    }

    /** Three simulcast streams of three temporal layers each: 150/500/1500 kbit/s at full frame rate. */
    static LayeredConsumerStub simulcast(java.util.function.LongSupplier clock) {
        return new LayeredConsumerStub(Kind.VIDEO, new long[][] {
            {60_000, 100_000, 150_000}, {200_000, 350_000, 500_000}, {600_000, 1_000_000, 1_500_000}}, clock);
    }

    static LayeredConsumerStub audio(long bitrate, java.util.function.LongSupplier clock) {
        return new LayeredConsumerStub(Kind.AUDIO, new long[][] {{bitrate}}, clock);
    }

    void stopSending(int spatialLayer) {
        java.util.Arrays.fill(bitrates[spatialLayer], 0);
    }

    void setHealthy(int spatialLayer, boolean value) {
        healthy[spatialLayer] = value;
    }

    long bitrate() {
        return spatial < 0 ? 0 : bitrates[spatial][temporal];
    }

    LayerChangeReason lastReason() {
        return decisions.get(decisions.size() - 1).reason();
    }

    @Override
    public Kind kind() {
        return kind;
    }

    @Override
    public int priority() {
        return priority;
    }

    @Override
    public boolean isActive() {
        return active;
    }

    @Override
    public int spatialLayerCount() {
        return bitrates.length;
    }

    @Override
    public int temporalLayerCount() {
        return bitrates[0].length;
    }

    @Override
    public long layerBitrate(int spatialLayer, int temporalLayer) {
        return bitrates[spatialLayer][temporalLayer];
    }

    @Override
    public boolean isLayerHealthy(int spatialLayer) {
        return healthy[spatialLayer];
    }

    @Override
    public int preferredSpatialLayer() {
        return preferredSpatial;
    }

    @Override
    public int preferredTemporalLayer() {
        return preferredTemporal;
    }

    @Override
    public void applyLayers(int spatialLayer, int temporalLayer, LayerChangeReason reason) {
        spatial = spatialLayer;
        temporal = temporalLayer;
        decisions.add(new Decision(clock.getAsLong(), spatialLayer, temporalLayer, reason));
    }
}
