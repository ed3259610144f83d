package io.sluice.worker.bwe;

import io.sluice.worker.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Distributes a transport's available bitrate over its consumers, as mediasoup's
 * Transport::DistributeAvailableOutgoingBitrate: audio (and single-stream video) is taken off the
 * top; the rest goes in rounds, consumers of higher {@link BitrateConsumer#priority()} first and
 * as many layer steps per round as their priority, each step the next (spatial, temporal) layer
 * within the preferred layers whose extra bitrate still fits.
 *
 * <p>Unlike mediasoup, whose users see layers change five or six times a minute on a noisy
 * estimate, decisions have hysteresis:
 * <ul>
 *   <li><b>down</b> when what the consumers take exceeds the estimate for {@link #DOWN_HOLD_MILLIS}
 *       (at once beyond {@link #SEVERE_OVERSHOOT} times it): well within 2 s of a drop in
 *       capacity, which the estimator reports within about one second; down to layers that fit
 *       with {@link #UP_HEADROOM}, so that an estimate still falling does not cause a second switch;</li>
 *   <li><b>up</b> only to layers that fit with {@link #UP_HEADROOM} to spare throughout
 *       {@link #UP_HOLD_MILLIS}, and not within {@link #STEADY_INTERVAL_MILLIS} of the
 *       consumer's last switch down, unless the estimate stayed {@link #RECOVERY_FACTOR} times
 *       above its level at that down throughout the hold (the capacity came back, as a probe
 *       shows; noise around a steady capacity does not do that);</li>
 *   <li>an up followed by a down within the steady interval doubles that interval for the
 *       consumer, up to {@link #MAX_BACKOFF_MILLIS}: at a steady but noisy estimate, at most one
 *       change per 30 s, fewer as it goes on.</li>
 * </ul>
 * Changes forced by the preferred layers, the producer or the score are applied at once with
 * their own {@link LayerChangeReason}. Runs on the router's loop, on each new estimate; time from
 * the injected {@link Clock}.
 */
public final class BitrateAllocator {

    public static final long DOWN_HOLD_MILLIS = 500;
    public static final double SEVERE_OVERSHOOT = 1.25;
    public static final double UP_HEADROOM = 1.1;
    public static final double RECOVERY_FACTOR = 1.5;
    /**
     * Probing aims this far above what the preferred layers take: a switch up needs
     * {@link #UP_HEADROOM} to spare, and a probe measures a little under its target, so an
     * estimate probed to the bare desired bitrate would never carry the top layer.
     */
    public static final double PROBE_HEADROOM = 1.3;
    public static final long UP_HOLD_MILLIS = 3_000;
    public static final long STEADY_INTERVAL_MILLIS = 30_000;
    public static final long MAX_BACKOFF_MILLIS = 120_000;
    private static final int NONE = -1;

    /** One consumer's allocation state; layer indexes are spatial * temporalLayerCount + temporal. */
    private static final class Slot {
        final BitrateConsumer consumer;
        int current = NONE;
        int candidate;
        /** The lowest up candidate since {@link #upSinceMillis}: what fitted throughout the hold. */
        int heldCandidate;
        /** Whether the estimate stayed {@link #RECOVERY_FACTOR} times above its level at the last down throughout the hold. */
        boolean recoveredThroughout;
        long budgetAtDown;
        int lastPreferred = NONE;
        long upSinceMillis = Long.MIN_VALUE;
        long lastDownMillis = Long.MIN_VALUE;
        long lastUpMillis = Long.MIN_VALUE;
        long backoffMillis = STEADY_INTERVAL_MILLIS;
        LayerChangeReason noneReason = LayerChangeReason.BANDWIDTH;

        Slot(BitrateConsumer consumer) {
            this.consumer = consumer;
        }

        int temporalCount() {
            return Math.max(1, consumer.temporalLayerCount());
        }

        int layerCount() {
            return Math.max(1, consumer.spatialLayerCount()) * temporalCount();
        }

        long bitrate(int layer) {
            return layer == NONE ? 0 : consumer.layerBitrate(layer / temporalCount(), layer % temporalCount());
        }

        int preferred() {
            int spatial = Math.min(consumer.preferredSpatialLayer(), consumer.spatialLayerCount() - 1);
            int temporal = Math.min(consumer.preferredTemporalLayer(), temporalCount() - 1);
            return spatial < 0 ? NONE : spatial * temporalCount() + Math.max(0, temporal);
        }

        boolean isLayered() {
            return consumer.kind() == BitrateConsumer.Kind.VIDEO && layerCount() > 1;
        }

        /** Within the preferred layers (the preferred temporal layer caps the preferred spatial one only). */
        boolean withinPreferred(int layer) {
            int preferred = preferred();
            if (preferred == NONE) {
                return false;
            }
            int spatial = layer / temporalCount();
            int preferredSpatial = preferred / temporalCount();
            return spatial < preferredSpatial || spatial == preferredSpatial && layer <= preferred;
        }

        boolean isUsable(int layer) {
            return bitrate(layer) > 0 && consumer.isLayerHealthy(layer / temporalCount()) && withinPreferred(layer);
        }

        /** Why the current layer can no longer be forwarded, null when it can. */
        LayerChangeReason unusableBecause(int layer) {
            if (!withinPreferred(layer)) {
                return LayerChangeReason.PREFERRED;
            }
            if (bitrate(layer) <= 0) {
                return LayerChangeReason.PRODUCER;
            }
            return consumer.isLayerHealthy(layer / temporalCount()) ? null : LayerChangeReason.SCORE;
        }
    }

    private static final Comparator<Slot> BY_PRIORITY =
            Comparator.comparingInt((Slot slot) -> slot.consumer.priority()).reversed();

    private final Clock clock;
    private final List<Slot> slots = new ArrayList<>();
    private long lastAvailable;
    private long overSinceMillis = Long.MIN_VALUE;

    public BitrateAllocator(Clock clock) {
        this.clock = clock;
    }

    public void add(BitrateConsumer consumer) {
        slots.add(new Slot(consumer));
    }

    public void remove(BitrateConsumer consumer) {
        slots.removeIf(slot -> slot.consumer == consumer);
    }

    /**
     * Distributes {@code availableBitrate} (bit/s); calls {@link BitrateConsumer#applyLayers} on
     * every consumer whose layers change. Called on every new estimate, and when a consumer's
     * preferred layers, producer layers, score, priority or pause state changed.
     */
    public void allocate(long availableBitrate) {
        long now = clock.monotonicMillis();
        lastAvailable = availableBitrate;
        slots.sort(BY_PRIORITY);
        long budget = Math.max(0, availableBitrate - fixedBitrate());
        applyForcedChanges();
        long used = 0;
        for (Slot slot : slots) {
            if (slot.isLayered()) {
                used += slot.bitrate(slot.current);
            }
        }
        if (used > budget) {
            if (overSinceMillis == Long.MIN_VALUE) {
                overSinceMillis = now;
            }
            for (Slot slot : slots) {
                slot.upSinceMillis = Long.MIN_VALUE;
            }
            if (used > SEVERE_OVERSHOOT * budget || now - overSinceMillis >= DOWN_HOLD_MILLIS) {
                switchDown(budget, now);
                overSinceMillis = Long.MIN_VALUE;
            }
            rememberPreferred();
            return;
        }
        overSinceMillis = Long.MIN_VALUE;
        switchUp(budget, now);
        rememberPreferred();
    }

    /** Audio and single-stream video: always forwarded, taken off the top. */
    private long fixedBitrate() {
        long fixed = 0;
        for (Slot slot : slots) {
            if (!slot.isLayered() && slot.consumer.isActive()) {
                fixed += slot.bitrate(0);
            }
        }
        return fixed;
    }

    /** A paused consumer, a preferred layer lowered, a layer the producer stopped or whose score fell. */
    private void applyForcedChanges() {
        for (Slot slot : slots) {
            if (!slot.isLayered() || slot.current == NONE) {
                continue;
            }
            if (!slot.consumer.isActive()) {
                change(slot, NONE, LayerChangeReason.PRODUCER);
                continue;
            }
            LayerChangeReason reason = slot.unusableBecause(slot.current);
            if (reason != null) {
                int below = NONE;
                for (int layer = slot.current - 1; layer >= 0 && below == NONE; layer--) {
                    below = slot.isUsable(layer) ? layer : NONE;
                }
                change(slot, below, reason);
            }
        }
    }

    /** Down to what fits with the same headroom as an up needs, so that a falling estimate is one switch. */
    private void switchDown(long budget, long now) {
        distribute(Math.round(budget / UP_HEADROOM), true);
        for (Slot slot : slots) {
            if (slot.isLayered() && slot.candidate < slot.current) {
                boolean failedUp = slot.lastUpMillis != Long.MIN_VALUE && now - slot.lastUpMillis < slot.backoffMillis;
                slot.backoffMillis = failedUp ? Math.min(MAX_BACKOFF_MILLIS, 2 * slot.backoffMillis) : STEADY_INTERVAL_MILLIS;
                slot.lastDownMillis = now;
                slot.budgetAtDown = budget;
                slot.upSinceMillis = Long.MIN_VALUE;
                change(slot, slot.candidate, LayerChangeReason.BANDWIDTH);
            }
        }
    }

    private void switchUp(long budget, long now) {
        distribute(Math.round(budget / UP_HEADROOM), false);
        for (Slot slot : slots) {
            if (!slot.isLayered() || slot.candidate <= slot.current) {
                if (slot.isLayered()) {
                    slot.upSinceMillis = Long.MIN_VALUE;
                }
                continue;
            }
            if (slot.current == NONE) {
                // A first layer is a guess made without a hold: a switch down soon after counts as a failed up.
                slot.lastUpMillis = now;
                change(slot, slot.candidate, slot.noneReason);
                continue;
            }
            if (slot.lastPreferred != NONE && slot.preferred() > slot.lastPreferred) {
                change(slot, slot.candidate, LayerChangeReason.PREFERRED);
                continue;
            }
            if (slot.upSinceMillis == Long.MIN_VALUE) {
                slot.upSinceMillis = now;
                slot.heldCandidate = slot.candidate;
                slot.recoveredThroughout = true;
            }
            slot.heldCandidate = Math.min(slot.heldCandidate, slot.candidate);
            slot.recoveredThroughout &= budget >= RECOVERY_FACTOR * slot.budgetAtDown;
            boolean held = now - slot.upSinceMillis >= UP_HOLD_MILLIS;
            boolean settled = slot.lastDownMillis == Long.MIN_VALUE || now - slot.lastDownMillis >= slot.backoffMillis;
            if (held && (settled || slot.recoveredThroughout)) {
                slot.lastUpMillis = now;
                slot.upSinceMillis = Long.MIN_VALUE;
                change(slot, slot.heldCandidate, LayerChangeReason.BANDWIDTH);
            } else if (held) {
                // Not yet allowed: judge the next hold on its own, so that a recovery seen later counts.
                slot.upSinceMillis = Long.MIN_VALUE;
            }
        }
    }

    /**
     * mediasoup's rounds: from nothing (going down: at most the current layer) or from the current
     * layer (going up: at most the preferred one), each consumer in priority order takes up to
     * {@code priority} next layers per round whose extra bitrate fits in what remains.
     */
    private void distribute(long budget, boolean fromNothing) {
        long remaining = budget;
        for (Slot slot : slots) {
            slot.candidate = fromNothing || !slot.isLayered() ? NONE : slot.current;
            remaining -= slot.isLayered() ? slot.bitrate(slot.candidate) : 0;
        }
        boolean stepped = true;
        while (stepped) {
            stepped = false;
            for (Slot slot : slots) {
                if (!slot.isLayered() || !slot.consumer.isActive()) {
                    continue;
                }
                int ceiling = fromNothing ? slot.current : slot.layerCount() - 1;
                for (int step = 0; step < Math.max(1, slot.consumer.priority()); step++) {
                    int next = nextUsable(slot, slot.candidate, ceiling);
                    if (next == NONE) {
                        break;
                    }
                    long extra = slot.bitrate(next) - slot.bitrate(slot.candidate);
                    if (extra > remaining) {
                        break;
                    }
                    remaining -= extra;
                    slot.candidate = next;
                    stepped = true;
                }
            }
        }
    }

    private static int nextUsable(Slot slot, int from, int ceiling) {
        for (int layer = from + 1; layer <= ceiling; layer++) {
            if (slot.isUsable(layer)) {
                return layer;
            }
        }
        return NONE;
    }

    private void change(Slot slot, int layer, LayerChangeReason reason) {
        if (layer == slot.current) {
            return;
        }
        if (layer == NONE) {
            slot.noneReason = reason;
        }
        slot.current = layer;
        int temporalCount = slot.temporalCount();
        slot.consumer.applyLayers(layer == NONE ? NONE : layer / temporalCount,
                layer == NONE ? NONE : layer % temporalCount, reason);
    }

    private void rememberPreferred() {
        for (Slot slot : slots) {
            slot.lastPreferred = slot.preferred();
        }
    }

    /**
     * What the consumers would take at their preferred layers (the highest usable within them):
     * the target of probing.
     */
    public long desiredBitrate() {
        long desired = 0;
        for (Slot slot : slots) {
            if (!slot.consumer.isActive()) {
                continue;
            }
            if (!slot.isLayered()) {
                desired += slot.bitrate(0);
                continue;
            }
            for (int layer = slot.layerCount() - 1; layer >= 0; layer--) {
                if (slot.isUsable(layer)) {
                    desired += slot.bitrate(layer);
                    break;
                }
            }
        }
        return desired;
    }

    /** The target of probing: the {@link #desiredBitrate} with {@link #PROBE_HEADROOM}. */
    public long probeTargetBitrate() {
        return (long) (PROBE_HEADROOM * desiredBitrate());
    }

    /** What the current layers take, audio included. */
    public long allocatedBitrate() {
        long allocated = fixedBitrate();
        for (Slot slot : slots) {
            if (slot.isLayered()) {
                allocated += slot.bitrate(slot.current);
            }
        }
        return allocated;
    }

    /** The estimate of the last {@link #allocate} call. */
    public long availableBitrate() {
        return lastAvailable;
    }
}
