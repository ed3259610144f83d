package io.sluice.worker;

import io.netty.channel.IoEventLoop;
import io.netty.util.internal.PlatformDependent;
import io.sluice.api.v1.AppData;
import io.sluice.api.v1.RouterClosed;
import io.sluice.api.v1.RtpCapabilities;
import io.sluice.api.v1.RtpCodecCapability;
import io.sluice.api.v1.WorkerDumpResponse;
import io.sluice.api.v1.WorkerGetResourceUsageResponse;
import io.sluice.api.v1.WorkerLoad;
import io.sluice.worker.control.EventPublisher;
import io.sluice.worker.control.IdempotencyCache;
import io.sluice.worker.control.LoopLoadMeter;
import io.sluice.worker.router.Router;
import io.sluice.worker.router.ortc.Ortc;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One worker: one event loop of the process and the routers living on it, as a mediasoup worker
 * is one thread. Everything here runs on {@link #loop()}; the control plane hands requests to it
 * as tasks, so the maps are plain and unlocked.
 */
public final class Worker {

    /** The Sluice version, in worker dumps and the NATS micro service (semver). */
    public static final String VERSION = "0.1.0";

    private final String id;
    private final IoEventLoop loop;
    private final String host;
    private final String announcedIp;
    private final long pid;
    private final long startedAtMs;
    private final InstantSource clock;
    private final EventPublisher events;
    private final IdempotencyCache idempotencyCache;
    private final LoopLoadMeter loadMeter = LoopLoadMeter.ofCallingThread();
    private final Map<String, Router> routers = new LinkedHashMap<>();

    public Worker(String id, IoEventLoop loop, String host, String announcedIp, long pid, InstantSource clock,
            EventPublisher.Sink eventSink) {
        this.id = id;
        this.loop = loop;
        this.host = host;
        this.announcedIp = announcedIp;
        this.pid = pid;
        this.clock = clock;
        this.startedAtMs = clock.millis();
        this.events = new EventPublisher(id, loop, clock, eventSink);
        this.idempotencyCache = new IdempotencyCache(clock, IdempotencyCache.DEFAULT_TTL, IdempotencyCache.DEFAULT_MAX_ENTRIES);
    }

    public String id() {
        return id;
    }

    /** The loop that owns this worker; entities and transports of the worker run on it. */
    public IoEventLoop loop() {
        return loop;
    }

    public String host() {
        return host;
    }

    public String announcedIp() {
        return announcedIp;
    }

    public InstantSource clock() {
        return clock;
    }

    public long startedAtMs() {
        return startedAtMs;
    }

    public EventPublisher events() {
        return events;
    }

    public IdempotencyCache idempotencyCache() {
        assert loop.inEventLoop();
        return idempotencyCache;
    }

    /**
     * Creates a router offering {@code mediaCodecs}. The capabilities are computed first, so a
     * codec Sluice does not support fails the request before anything exists.
     */
    public Router createRouter(List<RtpCodecCapability> mediaCodecs, String roomId, AppData appData)
            throws SluiceException {
        assert loop.inEventLoop();
        RtpCapabilities capabilities = Ortc.generateRouterRtpCapabilities(mediaCodecs);
        Router router = new Router(UUID.randomUUID().toString(), roomId, appData, capabilities, loop);
        routers.put(router.id(), router);
        return router;
    }

    /** The live router with this id, or {@code NOT_FOUND}. */
    public Router router(String routerId) throws SluiceException {
        assert loop.inEventLoop();
        Router router = routers.get(routerId);
        if (router == null) {
            throw SluiceException.notFound("router", routerId);
        }
        return router;
    }

    public Collection<Router> routers() {
        assert loop.inEventLoop();
        return Collections.unmodifiableCollection(routers.values());
    }

    /** Closes a router on request and publishes {@code router.<id>.closed} (REQUESTED). */
    public void closeRouter(String routerId) throws SluiceException {
        Router router = router(routerId);
        routers.remove(routerId);
        router.close();
        events.routerClosed(routerId, RouterClosed.Reason.REQUESTED);
    }

    /** Closes every router as the worker shuts down, each with its WORKER_CLOSED event. */
    public void closeAllRouters() {
        assert loop.inEventLoop();
        List<Router> closing = new ArrayList<>(routers.values());
        routers.clear();
        for (Router router : closing) {
            router.close();
            events.routerClosed(router.id(), RouterClosed.Reason.WORKER_CLOSED);
        }
    }

    /** Ends a load interval; the heartbeat calls it once a second. */
    public void sampleLoad() {
        assert loop.inEventLoop();
        loadMeter.sample();
    }

    public WorkerLoad load() {
        assert loop.inEventLoop();
        return WorkerLoad.newBuilder()
                .setRouters(routers.size())
                .setLoopCpuTimeMs(loadMeter.cpuTimeMs())
                .setLoopUtilization(loadMeter.utilization())
                .build();
    }

    public WorkerDumpResponse dump() {
        assert loop.inEventLoop();
        return WorkerDumpResponse.newBuilder()
                .setWorkerId(id)
                .setPid(pid)
                .setHost(host)
                .addAllRouterIds(routers.keySet())
                .setLoad(load())
                .setStartedAtMs(startedAtMs)
                .setVersion(VERSION)
                .build();
    }

    public WorkerGetResourceUsageResponse resourceUsage() {
        assert loop.inEventLoop();
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return WorkerGetResourceUsageResponse.newBuilder()
                .setLoopCpuTimeMs(loadMeter.cpuTimeMs())
                .setLoopUtilization(loadMeter.utilization())
                .setProcessCpuTimeMs(processCpuTimeMs())
                .setHeapUsedBytes(heap.getUsed())
                .setHeapMaxBytes(heap.getMax())
                .setDirectMemoryUsedBytes(directMemoryUsed())
                .setUptimeMs(clock.millis() - startedAtMs)
                .build();
    }

    private static long processCpuTimeMs() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return Math.max(0, os.getProcessCpuTime() / 1_000_000);
        }
        return 0;
    }

    // Netty's pooled buffers are allocated without a Cleaner and do not show in the JDK's pool.
    private static long directMemoryUsed() {
        long used = Math.max(0, PlatformDependent.usedDirectMemory());
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                used += pool.getMemoryUsed();
            }
        }
        return used;
    }
}
