package io.sluice.bench.load;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The worker's event-loop thread ({@code sluice-loop-*}, the only one with WORKERS=1), seen through
 * the JVM's thread MXBean: its CPU time, the bytes it allocated, and a coarse stack sampler
 * (safepoint-biased, like jstack) to see where it spends its time.
 */
final class LoopThread {

    private final long id;
    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private LoopThread(long id) {
        this.id = id;
    }

    /** Every worker loop of the process, in name order (one per worker). */
    static List<LoopThread> findAll() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith("sluice-loop"))
                .sorted(java.util.Comparator.comparing(Thread::getName))
                .map(thread -> new LoopThread(thread.threadId())).toList();
    }

    long cpuNanos() {
        return threads.getThreadCpuTime(id);
    }

    long allocatedBytes() {
        return threads.getThreadAllocatedBytes(id);
    }

    Sampler startSampler() {
        Sampler sampler = new Sampler();
        sampler.thread.start();
        return sampler;
    }

    /** Samples the loop's stack every 10 ms; counts the top frame and the innermost Sluice frame. */
    final class Sampler implements Runnable {
        final Thread thread = new Thread(this, "fanout-loop-sampler");
        final Map<String, Integer> topFrames = new HashMap<>();
        final Map<String, Integer> sluiceFrames = new HashMap<>();
        volatile boolean running = true;
        int samples;

        Sampler() {
            thread.setDaemon(true);
        }

        @Override
        public void run() {
            while (running) {
                ThreadInfo info = threads.getThreadInfo(id, 64);
                StackTraceElement[] stack = info == null ? new StackTraceElement[0] : info.getStackTrace();
                if (stack.length > 0) {
                    samples++;
                    topFrames.merge(name(stack[0]), 1, Integer::sum);
                    for (StackTraceElement element : stack) {
                        if (element.getClassName().startsWith("io.sluice")) {
                            sluiceFrames.merge(name(element), 1, Integer::sum);
                            break;
                        }
                    }
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private static String name(StackTraceElement element) {
            return element.getClassName() + "." + element.getMethodName();
        }

        String stopAndSummarise(int top) throws InterruptedException {
            running = false;
            thread.join();
            return "  loop stack samples: " + samples + "\n  top frames:\n" + summarise(topFrames, top)
                    + "\n  innermost Sluice frames:\n" + summarise(sluiceFrames, top);
        }

        private String summarise(Map<String, Integer> counts, int top) {
            return counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                    .limit(top)
                    .map(entry -> String.format("    %5.1f%% %s", 100.0 * entry.getValue() / samples, entry.getKey()))
                    .collect(Collectors.joining("\n"));
        }
    }
}
