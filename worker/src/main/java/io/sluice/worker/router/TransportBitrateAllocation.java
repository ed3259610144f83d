package io.sluice.worker.router;

import io.sluice.worker.bwe.BitrateAllocator;
import io.sluice.worker.bwe.SendSideBandwidthEstimator;
import io.sluice.worker.time.Clock;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The bandwidth towards one WebRTC transport's endpoint shared out among the transport's
 * consumers (mediasoup's Transport::DistributeAvailableOutgoingBitrate, run from its
 * transport-cc client): the {@link SendSideBandwidthEstimator}'s estimate goes to a
 * {@link BitrateAllocator} at every transport-cc feedback or REMB and at least every
 * {@link #ALLOCATION_INTERVAL_MS}, so that its holds count in time even when feedback pauses;
 * what the consumers would take at their preferred layers is handed back to the estimator as the
 * target of its probing. Layered consumers are limited to the allocated layers from the moment
 * they join. On the router's loop; time from the injected {@link Clock}.
 */
final class TransportBitrateAllocation {

    static final long ALLOCATION_INTERVAL_MS = 100;

    private final SendSideBandwidthEstimator estimator;
    private final BitrateAllocator allocator;
    private final Clock clock;
    private final Map<Consumer, ConsumerBitrate> members = new IdentityHashMap<>();
    private long lastAllocationMs = Long.MIN_VALUE;

    TransportBitrateAllocation(SendSideBandwidthEstimator estimator, Clock clock) {
        this.estimator = estimator;
        this.allocator = new BitrateAllocator(clock);
        this.clock = clock;
    }

    void add(Consumer consumer) {
        ConsumerBitrate member = new ConsumerBitrate(consumer, clock);
        members.put(consumer, member);
        allocator.add(member);
        if (consumer instanceof LayeredConsumer layered) {
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

    /** A transport-cc feedback or REMB changed the estimate. */
    void onEstimateChanged() {
        allocate();
    }

    /** The worker's media timer: due probe clusters start, and the allocation runs if none ran lately. */
    void onTimer() {
        estimator.process();
        if (clock.monotonicMillis() - lastAllocationMs >= ALLOCATION_INTERVAL_MS) {
            allocate();
        }
    }

    private void allocate() {
        lastAllocationMs = clock.monotonicMillis();
        allocator.allocate(estimator.availableBitrate());
        estimator.setDesiredBitrate(allocator.desiredBitrate());
    }

    SendSideBandwidthEstimator estimator() {
        return estimator;
    }

    BitrateAllocator allocator() {
        return allocator;
    }
}
