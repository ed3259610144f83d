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
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.sluice.api.v1.RouterCreateWebRtcTransportRequest;
import io.sluice.api.v1.TransportClosed;
import io.sluice.api.v1.TransportListenInfo;
import io.sluice.worker.router.Router;
import io.sluice.worker.router.RtcResources;
import io.sluice.worker.router.WebRtcServer;
import io.sluice.worker.router.WebRtcTransport;
import io.sluice.worker.router.WebRtcTransportFactory;
import io.sluice.worker.router.WorkerMedia;
import io.sluice.worker.ice.StunRateLimiter;
import io.sluice.worker.router.ortc.Ortc;
import io.sluice.worker.time.Clock;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
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
    private final Clock clock;
    private final EventPublisher events;
    private final IdempotencyCache idempotencyCache;
    private final LoopLoadMeter loadMeter;
    private final Map<String, Router> routers = new LinkedHashMap<>();
    private final Map<String, WebRtcTransport> transports = new HashMap<>();
    private final Map<String, WebRtcServer> webRtcServers = new LinkedHashMap<>();
    private final RtcResources rtc;
    private final WebRtcTransportFactory transportFactory;
    private final WorkerMedia media;

    public Worker(String id, IoEventLoop loop, String host, String announcedIp, long pid, Clock clock,
            EventPublisher.Sink eventSink, RtcResources rtc) {
        this.id = id;
        this.loop = loop;
        this.host = host;
        this.announcedIp = announcedIp;
        this.pid = pid;
        this.clock = clock;
        this.startedAtMs = clock.epochMillis();
        this.loadMeter = LoopLoadMeter.ofCallingThread(clock);
        this.events = new EventPublisher(id, loop, clock, eventSink);
        this.idempotencyCache = new IdempotencyCache(clock, IdempotencyCache.DEFAULT_TTL, IdempotencyCache.DEFAULT_MAX_ENTRIES);
        this.rtc = rtc;
        this.transportFactory = new WebRtcTransportFactory(id, loop, events, rtc, clock, StunRateLimiter.withDefaults());
        this.media = new WorkerMedia(id, loop, events, rtc, transports::get, clock);
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

    public Clock clock() {
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
        router.close(TransportClosed.Reason.ROUTER_CLOSED);
        events.routerClosed(routerId, RouterClosed.Reason.REQUESTED);
    }

    /** Closes every router and WebRTC server as the worker shuts down, each router with its WORKER_CLOSED event. */
    public void closeAllRouters() {
        assert loop.inEventLoop();
        List<Router> closing = new ArrayList<>(routers.values());
        routers.clear();
        for (Router router : closing) {
            router.close(TransportClosed.Reason.WORKER_CLOSED);
            events.routerClosed(router.id(), RouterClosed.Reason.WORKER_CLOSED);
        }
        for (WebRtcServer server : List.copyOf(webRtcServers.values())) {
            server.close();
        }
        webRtcServers.clear();
    }

    /**
     * router.createWebRtcTransport: on the router's own new sockets, or on a WebRTC server's. The
     * transport exists, and its Redis mapping is written, only once every socket is bound.
     */
    public Future<WebRtcTransport> createWebRtcTransport(RouterCreateWebRtcTransportRequest request)
            throws SluiceException {
        assert loop.inEventLoop();
        Router router = router(request.getRouterId());
        if (!request.getWebrtcServerId().isEmpty()) {
            WebRtcServer server = webRtcServer(request.getWebrtcServerId());
            return loop.newSucceededFuture(adopt(transportFactory.createOnServer(router, request, server)));
        }
        Promise<WebRtcTransport> created = loop.newPromise();
        transportFactory.create(router, request).addListener((Future<WebRtcTransport> done) -> {
            if (done.isSuccess()) {
                created.setSuccess(adopt(done.getNow()));
            } else {
                created.setFailure(done.cause());
            }
        });
        return created;
    }

    private WebRtcTransport adopt(WebRtcTransport transport) {
        transports.put(transport.id(), transport);
        transport.router().addTransport(transport);
        transport.onClosed(closed -> {
            transports.remove(closed.id());
            closed.router().removeTransport(closed);
            media.onWebRtcTransportClosed(closed);
        });
        transportFactory.writeMapping(transport);
        return transport;
    }

    /** The live transport with this id, or {@code NOT_FOUND}. */
    public WebRtcTransport transport(String transportId) throws SluiceException {
        assert loop.inEventLoop();
        WebRtcTransport transport = transports.get(transportId);
        if (transport == null) {
            throw SluiceException.notFound("transport", transportId);
        }
        return transport;
    }

    /** transport.close, for a WebRTC or a plain transport; {@code NOT_FOUND} for neither. */
    public void closeTransport(String transportId) throws SluiceException {
        if (media.hasPlainTransport(transportId)) {
            media.closePlainTransport(transportId);
            return;
        }
        transport(transportId).close(TransportClosed.Reason.REQUESTED);
    }

    /** worker.createWebRtcServer: binds the shared sockets; nothing is kept if one fails. */
    public Future<WebRtcServer> createWebRtcServer(List<TransportListenInfo> listenInfos) throws SluiceException {
        assert loop.inEventLoop();
        Promise<WebRtcServer> created = loop.newPromise();
        WebRtcServer.create(UUID.randomUUID().toString(), loop, listenInfos, rtc).addListener(
                (Future<WebRtcServer> done) -> {
                    if (done.isSuccess()) {
                        webRtcServers.put(done.getNow().id(), done.getNow());
                        created.setSuccess(done.getNow());
                    } else {
                        created.setFailure(done.cause());
                    }
                });
        return created;
    }

    public WebRtcServer webRtcServer(String serverId) throws SluiceException {
        assert loop.inEventLoop();
        WebRtcServer server = webRtcServers.get(serverId);
        if (server == null) {
            throw SluiceException.notFound("WebRTC server", serverId);
        }
        return server;
    }

    public void closeWebRtcServer(String serverId) throws SluiceException {
        webRtcServer(serverId).close();
        webRtcServers.remove(serverId);
    }

    /** Producers, consumers and plain transports of this worker's routers. */
    public WorkerMedia media() {
        assert loop.inEventLoop();
        return media;
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
                .setTransports(transports.size() + media.plainTransportCount())
                .setProducers(media.producerCount())
                .setConsumers(media.consumerCount())
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
