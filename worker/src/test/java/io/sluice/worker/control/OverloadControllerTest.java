package io.sluice.worker.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.v1.WorkerOverload;
import io.sluice.worker.router.LoadShedder;
import io.sluice.worker.router.LoopOverload;
import io.sluice.worker.testsupport.TestClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The overload decisions, interval by interval, on an injected clock and loop CPU time: over
 * budget, late packets are dropped at once and work is shed step by step while it lasts; below
 * budget the steps come back one interval at a time, and two calm intervals end the overload.
 */
class OverloadControllerTest {

    private static final Duration INTERVAL = OverloadController.Policy.DEFAULT.interval();
    /** 40 steps: 5% of them is 2 per interval. */
    private static final int STEPS = 40;

    private final TestClock clock = new TestClock();
    private long cpuNanos;
    private final LoopOverload overload = new LoopOverload();
    private final List<Integer> levelsAsked = new ArrayList<>();
    private final List<WorkerOverload> events = new ArrayList<>();
    private final OverloadController controller = new OverloadController(OverloadController.Policy.DEFAULT,
            new LoopLoadMeter(() -> cpuNanos, clock), overload, this::shed, events::add);

    private LoadShedder.Shed shed(int level) {
        levelsAsked.add(level);
        int taken = Math.min(level, STEPS);
        List<String> paused = IntStream.range(0, taken).mapToObj(i -> "c" + i).toList();
        return new LoadShedder.Shed(taken, STEPS, paused, List.of());
    }

    /** One interval during which the loop was busy {@code utilization} of the time. */
    private void interval(double utilization) {
        cpuNanos += (long) (INTERVAL.toNanos() * utilization);
        clock.advance(INTERVAL);
        controller.tick();
    }

    @Test
    void overBudgetItDropsLatePacketsAtOnceThenShedsStepByStepAndGivesBackWhenTheLoadFalls() {
        interval(0.5);
        assertThat(controller.overloaded()).isFalse();
        interval(0.5);
        assertThat(events).isEmpty();

        interval(0.97);
        assertThat(controller.overloaded()).isTrue();
        assertThat(overload.droppingLate()).isTrue();
        assertThat(controller.shed().level()).isZero();
        assertThat(events).hasSize(1);
        assertThat(events.getLast().getOverloaded()).isTrue();

        interval(0.97);
        assertThat(controller.shed().level()).as("the first interval sheds nothing yet, the next 5%% of the steps").isEqualTo(2);
        interval(0.95);
        interval(0.99);
        assertThat(controller.shed().level()).isEqualTo(6);
        assertThat(events.getLast().getShedLevel()).isEqualTo(6);
        assertThat(events.getLast().getShedSteps()).isEqualTo(STEPS);
        assertThat(events.getLast().getPausedConsumerIdsList()).containsExactly("c0", "c1", "c2", "c3", "c4", "c5");

        interval(0.8);
        interval(0.8);
        assertThat(controller.shed().level()).as("within the budget's band it holds").isEqualTo(6);

        interval(0.5);
        assertThat(controller.shed().level()).isEqualTo(4);
        interval(0.5);
        interval(0.5);
        assertThat(controller.shed().level()).isZero();
        interval(0.5);
        assertThat(controller.overloaded()).as("one calm interval with nothing shed is not enough").isTrue();
        interval(0.5);
        assertThat(controller.overloaded()).isFalse();
        assertThat(overload.droppingLate()).isFalse();
        assertThat(events.getLast().getOverloaded()).isFalse();
        assertThat(events.getLast().getShedLevel()).isZero();
    }

    @Test
    void halfThePacketsLateIsAnOverloadEvenWhenTheLoopGetsLittleCpu() {
        interval(0.3);
        for (int i = 0; i < OverloadController.MIN_LATE_FOR_BACKLOG; i++) {
            overload.dropsLate(10);
            overload.dropsLate(overload.maxInputDelayMs() + 1);
        }
        interval(0.3);
        assertThat(controller.overloaded()).isTrue();
        assertThat(overload.droppingLate()).isTrue();
    }

    @Test
    void aFewLatePacketsAreNoOverload() {
        interval(0.3);
        for (int i = 0; i < 10 * OverloadController.MIN_LATE_FOR_BACKLOG; i++) {
            overload.dropsLate(10);
        }
        for (int i = 0; i < OverloadController.MIN_LATE_FOR_BACKLOG; i++) {
            overload.dropsLate(overload.maxInputDelayMs() + 1);
        }
        interval(0.3);
        assertThat(controller.overloaded()).as("a tenth of the packets late").isFalse();
    }

    @Test
    void aSmallStreamStalledByABusyMachineIsNoOverload() {
        interval(0.3);
        for (int i = 0; i < OverloadController.MIN_LATE_FOR_BACKLOG - 1; i++) {
            overload.dropsLate(overload.maxInputDelayMs() + 1);
        }
        interval(0.3);
        assertThat(controller.overloaded()).isFalse();
    }

    @Test
    void noStepIsGivenBackWhileLatePacketsAreStillDropped() {
        interval(0.5);
        interval(0.97);
        interval(0.97);
        interval(0.97);
        assertThat(controller.shed().level()).isEqualTo(4);
        overload.dropsLate(overload.maxInputDelayMs() + 1);
        for (int i = 0; i < 3; i++) {
            overload.dropsLate(1);
        }
        interval(0.5);
        assertThat(controller.shed().level()).isEqualTo(4);
    }
}
