package io.sluice.worker.router;

/**
 * A spatial and temporal layer of a simulcast or SVC stream, as consumer.setPreferredLayers asks
 * for them and a layered consumer reports them.
 *
 * @param temporalLayer null in a request that leaves it unset (the highest); always set in what a
 *     consumer reports
 */
public record ConsumerLayers(int spatialLayer, Integer temporalLayer) {

    public static ConsumerLayers of(int spatialLayer, int temporalLayer) {
        return new ConsumerLayers(spatialLayer, temporalLayer);
    }

    public boolean hasTemporalLayer() {
        return temporalLayer != null;
    }
}
