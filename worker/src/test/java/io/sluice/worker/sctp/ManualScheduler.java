package io.sluice.worker.sctp;

import io.sluice.worker.testsupport.TestClock;
import java.util.PriorityQueue;
import java.util.function.BooleanSupplier;

/**
 * A scheduler on a {@link TestClock}: tasks run only when the test runs them, the clock jumping
 * to each one's due time, so that minutes of retransmission timers pass in milliseconds and every
 * run repeats exactly.
 */
final class ManualScheduler implements SctpScheduler {

    private record Task(long dueMillis, long order, Runnable body, boolean[] cancelled) implements Comparable<Task> {
        @Override
        public int compareTo(Task other) {
            int byTime = Long.compare(dueMillis, other.dueMillis);
            return byTime != 0 ? byTime : Long.compare(order, other.order);
        }
    }

    final TestClock clock = new TestClock();
    private final PriorityQueue<Task> tasks = new PriorityQueue<>();
    private long order;

    @Override
    public Cancellable schedule(Runnable task, long delayMillis) {
        boolean[] cancelled = {false};
        tasks.add(new Task(clock.monotonicMillis() + Math.max(0, delayMillis), order++, task, cancelled));
        return () -> cancelled[0] = true;
    }

    /** Runs the next task, moving the clock to its time; false when none is left. */
    boolean runNext() {
        Task task;
        do {
            task = tasks.poll();
            if (task == null) {
                return false;
            }
        } while (task.cancelled[0]);
        if (task.dueMillis > clock.monotonicMillis()) {
            clock.advanceToMillis(task.dueMillis);
        }
        task.body.run();
        return true;
    }

    /** Runs every task due in the next {@code millis}, and leaves the clock at their end. */
    void runFor(long millis) {
        long end = clock.monotonicMillis() + millis;
        while (true) {
            Task next = tasks.peek();
            if (next == null || next.dueMillis > end) {
                break;
            }
            runNext();
        }
        clock.advanceToMillis(end);
    }

    /** Runs tasks until {@code done} holds; fails when the tasks run out or {@code maxSimulatedMillis} pass first. */
    void runUntil(BooleanSupplier done, long maxSimulatedMillis, String what) {
        long deadline = clock.monotonicMillis() + maxSimulatedMillis;
        while (!done.getAsBoolean()) {
            if (clock.monotonicMillis() > deadline || !runNext()) {
                throw new AssertionError(what + " did not happen within " + maxSimulatedMillis
                        + " simulated ms (tasks left: " + !tasks.isEmpty() + ")");
            }
        }
    }
}
