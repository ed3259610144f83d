package io.sluice.worker.control;

import io.netty.channel.IoEventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.internal.PlatformDependent;
import io.sluice.api.v1.WorkerDumpResponse;
import io.sluice.api.v1.WorkerGetResourceUsageResponse;
import io.sluice.api.v1.WorkerLoad;
import io.sluice.worker.metrics.MeteredWorker;
import io.sluice.worker.router.LoadShedder;
import io.sluice.worker.router.LoopOverload;
import io.sluice.worker.router.RtcResources;
import io.sluice.worker.router.Worker;
import io.sluice.worker.time.Clock;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane's side of one {@link Worker}: the process facts it announces (host, address,
 * pid, start time), its event publisher, the idempotency cache of its create requests and the
 * load meter of its loop. Handlers of the control API get this; everything here runs on the
 * worker's loop, as the worker's entities do. It is also what {@code /metrics} reads of the worker.
 */
public final class WorkerControl implements MeteredWorker {

    /** The Sluice version, in worker dumps and the NATS micro service (semver). */
    public static final String VERSION = "0.1.0";
    private static final Logger log = LoggerFactory.getLogger(WorkerControl.class);

    private final Worker worker;
    private final String host;
    private final String announcedIp;
    private final long pid;
    private final long startedAtMs;
    private final Clock clock;
    private final EventPublisher events;
    private final IdempotencyCache idempotencyCache;
    private final LoopLoadMeter loadMeter;
    private final OverloadController overload;
    private ScheduledFuture<?> overloadTimer;
    private final java.util.List<Runnable> drainListeners = new java.util.ArrayList<>();
    private final PipeLinks pipeLinks = new PipeLinks();
    private final PipePeerWatch pipePeerWatch = new PipePeerWatch(this);
    /** Set by the process before the worker serves requests; null for a worker that talks to no other. */
    private PeerWorkers peers;

    /** @param rtc what the process's transports share; null for a worker that makes no transports */
    public WorkerControl(String id, IoEventLoop loop, String host, String announcedIp, long pid, Clock clock,
            EventPublisher.Sink eventSink, RtcResources rtc) {
        this.host = host;
        this.announcedIp = announcedIp;
        this.pid = pid;
        this.clock = clock;
        this.startedAtMs = clock.epochMillis();
        this.loadMeter = LoopLoadMeter.ofCallingThread(clock);
        this.events = new EventPublisher(id, loop, clock, eventSink);
        this.idempotencyCache = new IdempotencyCache(clock, IdempotencyCache.DEFAULT_TTL,
                IdempotencyCache.DEFAULT_MAX_ENTRIES);
        this.worker = new Worker(id, loop, clock, rtc, new PipeMirror(new PublishedEntityEvents(events), this));
        this.overload = new OverloadController(OverloadController.Policy.DEFAULT, LoopLoadMeter.ofCallingThread(clock),
                LoopOverload.of(loop), new LoadShedder(worker)::apply, events::workerOverload);
    }

    /** Starts the overload handling's decisions ({@link OverloadController}) on the loop. */
    public void startOverloadControl() {
        long periodMs = overload.policy().interval().toMillis();
        worker.loop().execute(() -> overloadTimer = worker.loop().scheduleAtFixedRate(
                this::overloadTick, periodMs, periodMs, TimeUnit.MILLISECONDS));
    }

    /** Stops them; on the loop. */
    public void stopOverloadControl() {
        assert worker.loop().inEventLoop();
        if (overloadTimer != null) {
            overloadTimer.cancel(false);
        }
    }

    // A periodic task that throws is never run again: a failed decision is logged and the next one tries again.
    private void overloadTick() {
        try {
            overload.tick();
        } catch (RuntimeException e) {
            log.warn("overload decision of worker {} failed", id(), e);
        }
    }

    /**
     * Puts the worker into draining ({@code worker.drain}, SIGTERM) and tells the listeners at once,
     * so that the heartbeat announces it now rather than up to a second later. On the loop.
     */
    public void drain() {
        assert worker.loop().inEventLoop();
        boolean wasDraining = worker.isDraining();
        worker.drain();
        if (!wasDraining) {
            drainListeners.forEach(Runnable::run);
        }
    }

    /** Runs {@code listener} on the loop when the worker starts draining. */
    public void onDraining(Runnable listener) {
        drainListeners.add(listener);
    }

    /** The worker's entities. */
    public Worker worker() {
        return worker;
    }

    @Override
    public String id() {
        return worker.id();
    }

    @Override
    public IoEventLoop loop() {
        return worker.loop();
    }

    public String host() {
        return host;
    }

    public String announcedIp() {
        return announcedIp;
    }

    /** How this worker asks other workers (router.pipeToRouter); null until attached. */
    PeerWorkers peers() {
        return peers;
    }

    /** Gives the worker the process's NATS connection to other workers (before it serves requests). */
    public void attachPeers(PeerWorkers peers) {
        this.peers = peers;
    }

    PipePeerWatch pipePeerWatch() {
        return pipePeerWatch;
    }

    PipeLinks pipeLinks() {
        assert worker.loop().inEventLoop();
        return pipeLinks;
    }

    public Clock clock() {
        return clock;
    }

    public long startedAtMs() {
        return startedAtMs;
    }

    public EventPublisher events() {
        return events;
    }

    IdempotencyCache idempotencyCache() {
        assert worker.loop().inEventLoop();
        return idempotencyCache;
    }

    /** Ends a load interval; the heartbeat calls it once a second. */
    public void sampleLoad() {
        assert worker.loop().inEventLoop();
        loadMeter.sample();
    }

    @Override
    public WorkerLoad load() {
        assert worker.loop().inEventLoop();
        return WorkerLoad.newBuilder()
                .setRouters(worker.routers().size())
                .setTransports(worker.transportCount())
                .setProducers(worker.producerCount())
                .setConsumers(worker.consumerCount())
                .setLoopCpuTimeMs(loadMeter.cpuTimeMs())
                .setLoopUtilization(loadMeter.utilization())
                .setMaxRouters(worker.limits().maxRouters())
                .setMaxTransports(worker.limits().maxTransports())
                .setMaxConsumers(worker.limits().maxConsumers())
                .setOverloaded(overload.overloaded())
                .setConsumersShed(overload.shed().pausedConsumerIds().size())
                .setConsumersLayersCapped(overload.shed().layersCappedConsumerIds().size())
                .setLatePacketsDropped(overload.latePacketsDropped())
                .build();
    }

    public WorkerDumpResponse dump() {
        assert worker.loop().inEventLoop();
        return WorkerDumpResponse.newBuilder()
                .setWorkerId(worker.id())
                .setPid(pid)
                .setHost(host)
                .addAllRouterIds(worker.routers().stream().map(router -> router.id()).toList())
                .addAllWebrtcServerIds(worker.webRtcServerIds())
                .addAllRtpObserverIds(worker.routers().stream().flatMap(router -> router.observers().ids().stream())
                        .toList())
                .setLoad(load())
                .setStartedAtMs(startedAtMs)
                .setVersion(VERSION)
                .build();
    }

    public WorkerGetResourceUsageResponse resourceUsage() {
        assert worker.loop().inEventLoop();
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return WorkerGetResourceUsageResponse.newBuilder()
                .setLoopCpuTimeMs(loadMeter.cpuTimeMs())
                .setLoopUtilization(loadMeter.utilization())
                .setProcessCpuTimeMs(processCpuTimeMs())
                .setHeapUsedBytes(heap.getUsed())
                .setHeapMaxBytes(heap.getMax())
                .setDirectMemoryUsedBytes(directMemoryUsed())
                .setUptimeMs(clock.epochMillis() - startedAtMs)
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
