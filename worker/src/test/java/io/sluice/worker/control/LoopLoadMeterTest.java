package io.sluice.worker.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sluice.worker.testsupport.TestClock;
import io.sluice.worker.time.Clock;
import org.junit.jupiter.api.Test;

class LoopLoadMeterTest {

    private long cpuNanos;
    private final TestClock clock = new TestClock();
    private final LoopLoadMeter meter = new LoopLoadMeter(() -> cpuNanos, clock);

    @Test
    void utilizationIsTheBusyShareOfTheLastInterval() {
        meter.sample();
        cpuNanos += 250_000_000;
        clock.advanceMillis(1_000);
        meter.sample();

        assertThat(meter.utilization()).isCloseTo(0.25, within(1e-9));
        assertThat(meter.cpuTimeMs()).isEqualTo(250);

        clock.advanceMillis(1_000);
        meter.sample();
        assertThat(meter.utilization()).isZero();
    }

    @Test
    void zeroBeforeTheSecondSampleAndNeverAboveOne() {
        cpuNanos = 5_000_000_000L;
        meter.sample();
        assertThat(meter.utilization()).isZero();

        cpuNanos += 3_000_000_000L;
        clock.advanceMillis(1_000);
        meter.sample();
        assertThat(meter.utilization()).isEqualTo(1.0);
    }

    @Test
    void theRealMeterSeesItsThreadWork() {
        LoopLoadMeter real = LoopLoadMeter.ofCallingThread(Clock.system());
        real.sample();
        long spin = System.nanoTime() + 30_000_000;
        double sink = 0;
        while (System.nanoTime() < spin) {
            sink += Math.sqrt(sink + 1);
        }
        real.sample();

        assertThat(sink).isPositive();
        assertThat(real.utilization()).isGreaterThan(0.0);
        assertThat(real.cpuTimeMs()).isPositive();
    }
}
