package io.sluice.worker.control.mapping;

import io.sluice.api.v1.BweTrace;
import io.sluice.api.v1.TransportTraceEvent;
import io.sluice.worker.bwe.BandwidthTrace;
import java.util.Locale;

/** A transport's bandwidth estimation as the control API shows it. */
public final class TransportMapper {

    private TransportMapper() {}

    /** The "trace" event of type "bwe"; bitrates beyond 32 bits (an unlimited maximum) saturate. */
    public static TransportTraceEvent toProto(BandwidthTrace trace) {
        return TransportTraceEvent.newBuilder()
                .setType("bwe")
                .setBwe(BweTrace.newBuilder()
                        .setDesiredBitrate(saturated(trace.desiredBitrate()))
                        .setEffectiveDesiredBitrate(saturated(trace.effectiveDesiredBitrate()))
                        .setAvailableBitrate(saturated(trace.availableBitrate()))
                        .setDelayBasedBitrate(saturated(trace.delayBasedBitrate()))
                        .setLossBasedBitrate(saturated(trace.lossBasedBitrate()))
                        .setRembBitrate(saturated(trace.rembBitrate()))
                        .setMinBitrate(saturated(trace.minBitrate()))
                        .setMaxBitrate(saturated(trace.maxBitrate()))
                        .setAllocatedBitrate(saturated(trace.allocatedBitrate()))
                        .setLossFraction(trace.lossFraction())
                        .setRttMs(saturated(trace.rttMillis()))
                        .setProbeState(trace.probeState().name().toLowerCase(Locale.ROOT)))
                .build();
    }

    /** As a uint32 field carries it: values beyond 2^32 - 1 become 2^32 - 1. */
    public static int saturated(long value) {
        return (int) Math.min(0xFFFFFFFFL, Math.max(0, value));
    }
}
