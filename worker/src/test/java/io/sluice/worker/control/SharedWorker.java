package io.sluice.worker.control;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a {@link RunningWorker} parameter (of a {@code @BeforeAll} method) the one worker, with its
 * nats-server and redis-server, that the test classes of this package share in a test JVM: the
 * first class that asks starts it, and the root context's store closes it when the run ends. A
 * class spares three starts and stops; the classes stay independent of each other and of their
 * order because each creates its own routers (unique ids) and looks only at the events, stats and
 * Redis keys of its own routers, transports and users. A test that stops NATS or Redis, blocks the
 * loop or needs a worker of its own starts a {@link RunningWorker} itself.
 */
final class SharedWorker implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedWorker.class);
    /** Five thousand RTC ports: enough for every transport the classes sharing it leave open. */
    private static final int RTC_MIN_PORT = 42_000;
    private static final int RTC_MAX_PORT = 46_999;

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == RunningWorker.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).computeIfAbsent(RunningWorker.class, type -> start(),
                RunningWorker.class);
    }

    private static RunningWorker start() {
        try {
            return RunningWorker.start("shared", RTC_MIN_PORT, RTC_MAX_PORT, "sluice.event.>");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the shared worker", e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the shared worker", e);
        }
    }
}
