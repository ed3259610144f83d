package io.sluice.worker.router.stats;

/**
 * What a producer receives per layer, as bits per second over the last second (mediasoup's
 * per-layer transmission counters in RtpStreamRecv): one {@link RateCalculator} per encoding,
 * spatial layer within it (SVC) and temporal layer. The bandwidth allocator reads what forwarding
 * a layer costs from it: a simulcast encoding up to a temporal layer, an SVC stream up to a
 * spatial and a temporal layer. During an encoding's first second the rate is taken over the time
 * it has been sending, so that a layer is priced from its first packets. Allocated once per
 * producer; nothing per packet.
 */
public final class LayerBitrates {

    private final int spatialLayers;
    private final int temporalLayers;
    private final RateCalculator[] rates;
    private final long[] firstPacketMs;

    public LayerBitrates(int encodings, int spatialLayers, int temporalLayers) {
        this.spatialLayers = Math.max(1, spatialLayers);
        this.temporalLayers = Math.max(1, temporalLayers);
        this.rates = new RateCalculator[encodings * this.spatialLayers * this.temporalLayers];
        for (int i = 0; i < rates.length; i++) {
            rates[i] = new RateCalculator();
        }
        this.firstPacketMs = new long[encodings];
        java.util.Arrays.fill(firstPacketMs, Long.MIN_VALUE);
    }

    /** A packet of {@code bytes} of {@code encoding}; layers beyond the announced ones count as the highest. */
    public void add(int encoding, int spatial, int temporal, int bytes, long nowMs) {
        if (firstPacketMs[encoding] == Long.MIN_VALUE) {
            firstPacketMs[encoding] = nowMs;
        }
        rates[index(encoding, clamp(spatial, spatialLayers), clamp(temporal, temporalLayers))].add(bytes, nowMs);
    }

    /** Bit/s of {@code encoding}'s layers up to {@code maxSpatial} and {@code maxTemporal}; 0 when it sends nothing. */
    public long bitrate(int encoding, int maxSpatial, int maxTemporal, long nowMs) {
        if (firstPacketMs[encoding] == Long.MIN_VALUE) {
            return 0;
        }
        long total = 0;
        for (int spatial = 0; spatial <= Math.min(maxSpatial, spatialLayers - 1); spatial++) {
            for (int temporal = 0; temporal <= Math.min(maxTemporal, temporalLayers - 1); temporal++) {
                total += rates[index(encoding, spatial, temporal)].bitsPerSecond(nowMs);
            }
        }
        long sendingMs = nowMs - firstPacketMs[encoding] + RateCalculator.DEFAULT_WINDOW_MS / 10;
        if (sendingMs < RateCalculator.DEFAULT_WINDOW_MS) {
            total = total * RateCalculator.DEFAULT_WINDOW_MS / Math.max(1, sendingMs);
        }
        return total;
    }

    private int index(int encoding, int spatial, int temporal) {
        return (encoding * spatialLayers + spatial) * temporalLayers + temporal;
    }

    private static int clamp(int layer, int count) {
        return Math.max(0, Math.min(layer, count - 1));
    }
}
