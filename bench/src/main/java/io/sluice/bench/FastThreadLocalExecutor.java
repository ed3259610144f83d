package io.sluice.bench;

import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * JMH's benchmark threads as Netty {@link FastThreadLocalThread}s, like the worker's event loop,
 * so that pooled buffers recycle their objects as they do there. Use with
 * {@code -jvmArgsAppend "-Djmh.executor=CUSTOM -Djmh.executor.class=io.sluice.bench.FastThreadLocalExecutor"}.
 */
public final class FastThreadLocalExecutor extends ThreadPoolExecutor {

    /** The constructor JMH's CUSTOM executor calls. */
    public FastThreadLocalExecutor(int maxThreads, String prefix) {
        super(maxThreads, maxThreads, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(), new Factory(prefix));
    }

    private static final class Factory implements java.util.concurrent.ThreadFactory {
        private final String prefix;
        private final AtomicInteger next = new AtomicInteger();

        Factory(String prefix) {
            this.prefix = prefix;
        }

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new FastThreadLocalThread(task, prefix + "-" + next.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    }
}
