package io.sluice.worker.control;

import io.sluice.api.v1.WorkerOverload;
import io.sluice.worker.router.LoadShedder;
import io.sluice.worker.router.LoopOverload;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * Keeps one worker's loop within budget by shedding work, and gives it back when the load falls.
 * Every {@link Policy#interval} (on the loop) it reads the loop's busy share and how many packets
 * reached the fan-out later than {@link LoopOverload#maxInputDelayMs()}. The loop is over budget
 * when it was busy at least {@link Policy#high} of the interval, or when half the packets were
 * late, and at least {@link #MIN_LATE_FOR_BACKLOG} (a loop that does not get its CPU at all is as
 * late as a saturated one). Then:
 * <ol>
 * <li>at once, late packets are dropped before the fan-out ({@link LoopOverload}): the socket
 *     buffers drain, and the wait of what is forwarded stays bounded;</li>
 * <li>from the next interval on, while it stays over budget, the {@link LoadShedder} takes
 *     {@link Policy#stepShare} of its steps more per interval (lower layers for the lowest
 *     priorities first, then pausing them);</li>
 * <li>when the loop is busy less than {@link Policy#low} and nothing was dropped late, it gives
 *     back as many steps per interval; two calm intervals with nothing shed end the overload.</li>
 * </ol>
 * Between {@code low} and {@code high} it holds, so that shedding and giving back do not chase
 * each other. Every change is announced ({@link WorkerOverload}) and shows in the heartbeat's load.
 */
public final class OverloadController {

    /**
     * @param interval between two decisions
     * @param high busy share at or above which the loop is over budget
     * @param low busy share under which work is given back
     * @param stepShare share of the shedding steps taken or given back per interval (at least one step)
     */
    public record Policy(Duration interval, double high, double low, double stepShare) {
        public static final Policy DEFAULT = new Policy(Duration.ofMillis(500), 0.9, 0.7, 0.05);
    }

    /**
     * Late packets in an interval below which lateness alone is no overload: a loop with so little
     * input that it was late by a stall of its thread (a busy machine) has little to shed.
     */
    static final int MIN_LATE_FOR_BACKLOG = 100;

    private final Policy policy;
    private final LoopLoadMeter meter;
    private final LoopOverload overload;
    private final IntFunction<LoadShedder.Shed> shedder;
    private final Consumer<WorkerOverload> announcer;
    private boolean overloaded;
    private int overIntervals;
    private int calmIntervals;
    private int level;
    private LoadShedder.Shed shed = new LoadShedder.Shed(0, 0, List.of(), List.of());
    private long lastForwarded;
    private long lastLate;
    private long lastDropped;

    /**
     * @param meter the loop's busy share, sampled by this controller alone
     * @param shedder takes a level, returns what it shed ({@link LoadShedder#apply})
     * @param announcer publishes the overload event
     */
    public OverloadController(Policy policy, LoopLoadMeter meter, LoopOverload overload,
            IntFunction<LoadShedder.Shed> shedder, Consumer<WorkerOverload> announcer) {
        this.policy = policy;
        this.meter = meter;
        this.overload = overload;
        this.shedder = shedder;
        this.announcer = announcer;
    }

    public Policy policy() {
        return policy;
    }

    /** One decision; the worker's loop calls it every {@link Policy#interval}. */
    public void tick() {
        meter.sample();
        double utilization = meter.utilization();
        long forwarded = overload.forwarded() - lastForwarded;
        long late = overload.late() - lastLate;
        long dropped = overload.lateDropped() - lastDropped;
        lastForwarded = overload.forwarded();
        lastLate = overload.late();
        lastDropped = overload.lateDropped();

        boolean wasOverloaded = overloaded;
        int levelBefore = shed.level();
        // Every packet that reached the fan-out was forwarded or dropped late.
        boolean backlog = late >= MIN_LATE_FOR_BACKLOG && late * 2 >= forwarded + dropped;
        int step = Math.max(1, (int) Math.ceil(shed.steps() * policy.stepShare()));
        if (utilization >= policy.high() || backlog) {
            calmIntervals = 0;
            overIntervals++;
            if (!overloaded) {
                overloaded = true;
                overload.dropLate(true);
            } else if (overIntervals >= 2) {
                level = Math.min(level, shed.steps()) + step;
            }
        } else if (utilization < policy.low() && dropped == 0) {
            overIntervals = 0;
            calmIntervals++;
            if (level > 0) {
                level = Math.max(0, Math.min(level, shed.steps()) - step);
                calmIntervals = 0;
            } else if (overloaded && calmIntervals >= 2) {
                overloaded = false;
                overload.dropLate(false);
            }
        } else {
            overIntervals = 0;
            calmIntervals = 0;
        }
        shed = shedder.apply(level);
        level = shed.level();
        if (overloaded != wasOverloaded || shed.level() != levelBefore) {
            announcer.accept(event(utilization));
        }
    }

    private WorkerOverload event(double utilization) {
        return WorkerOverload.newBuilder()
                .setOverloaded(overloaded)
                .setShedLevel(shed.level())
                .setShedSteps(shed.steps())
                .addAllPausedConsumerIds(shed.pausedConsumerIds())
                .addAllLayersCappedConsumerIds(shed.layersCappedConsumerIds())
                .setLoopUtilization(utilization)
                .setLatePacketsDropped(overload.lateDropped())
                .setMaxInputDelayMs(overload.maxInputDelayMs())
                .build();
    }

    public boolean overloaded() {
        return overloaded;
    }

    /** What is shed now. */
    public LoadShedder.Shed shed() {
        return shed;
    }

    public long latePacketsDropped() {
        return overload.lateDropped();
    }
}
