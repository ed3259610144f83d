package io.sluice.worker;

import io.nats.client.Connection;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.sluice.api.bus.Redaction;
import io.sluice.worker.config.EphemeralPorts;
import io.sluice.worker.config.HostFacts;
import io.sluice.worker.config.WorkerConfig;
import io.sluice.worker.config.WorkerLimits;
import io.sluice.worker.control.ControlIo;
import io.sluice.worker.control.ControlMethods;
import io.sluice.worker.control.ControlService;
import io.sluice.worker.control.HeartbeatPublisher;
import io.sluice.worker.control.NatsConnector;
import io.sluice.worker.control.PeerWorkers;
import io.sluice.worker.dtls.DtlsCertificate;
import io.sluice.worker.metrics.ControlMetrics;
import io.sluice.worker.metrics.HealthServer;
import io.sluice.worker.metrics.WorkerMetrics;
import io.sluice.worker.dtls.DtlsTransport;
import io.sluice.worker.net.IceTcpGuard;
import io.sluice.worker.net.NetChannels;
import io.sluice.worker.net.PortRange;
import io.sluice.worker.control.WorkerControl;
import io.sluice.worker.registry.RedisRegistry;
import io.sluice.worker.registry.RedisTransportMappingListener;
import io.sluice.worker.router.EntityLimits;
import io.sluice.worker.router.LocalPipes;
import io.sluice.worker.router.RtcResources;
import io.sluice.worker.router.Worker;
import io.sluice.worker.time.Clock;
import java.net.InetAddress;
import java.util.concurrent.ExecutorService;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Sluice worker process: one NATS connection, one Redis registry client and one Netty
 * event loop group whose every loop is a {@link Worker} with its own NATS micro service and
 * heartbeat. {@link WorkerMain} runs one; tests, the bench and embedding code start it directly.
 */
public final class WorkerProcess implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WorkerProcess.class);
    private static final Duration SHUTDOWN_STEP = Duration.ofSeconds(2);
    private static final Duration TRANSPORT_SWEEP_INTERVAL = Duration.ofSeconds(10);
    private static final Duration DRAIN_CHECK = Duration.ofMillis(250);

    private final WorkerConfig config;
    private final Connection connection;
    private final ControlIo io;
    private final RedisRegistry registry;
    private final MultiThreadIoEventLoopGroup loops;
    private final List<WorkerControl> workers = new ArrayList<>();
    private final List<ControlService> services = new ArrayList<>();
    private final List<HeartbeatPublisher> heartbeats = new ArrayList<>();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CountDownLatch fullyClosed = new CountDownLatch(1);
    /** Clock time (monotonic nanos) when every worker was first seen draining; 0 before. Touched on the io thread. */
    private long drainStartedNanos;
    private final Clock clock;
    private volatile Runnable onDrained = () -> { };
    private final ExecutorService dtlsHandshakes = DtlsTransport.newHandshakeExecutor();
    private final ControlMetrics controlMetrics = new ControlMetrics();
    private HealthServer healthServer;

    private WorkerProcess(WorkerConfig config, Connection connection, Clock clock) throws IOException {
        this.config = config;
        this.clock = clock;
        this.connection = connection;
        this.io = new ControlIo(connection);
        try {
            this.registry = RedisRegistry.start(config.redisUrl(), config.redisSecurity(), io);
        } catch (IOException e) {
            io.close();
            throw e;
        }
        this.loops = new MultiThreadIoEventLoopGroup(config.workers(),
                new DefaultThreadFactory("sluice-loop"), NetChannels.ioHandlerFactory());
    }

    /**
     * Starts the process: connects to NATS (waiting for it up to NATS_CONNECT_TIMEOUT), starts the
     * loops and serves every worker's methods. Redis is reached in the background.
     */
    public static WorkerProcess start(WorkerConfig config) throws IOException, InterruptedException {
        return start(config, Clock.system());
    }

    /** As {@link #start(WorkerConfig)}, with the clock every worker reads (media timers, events, heartbeats, entries). */
    public static WorkerProcess start(WorkerConfig config, Clock clock) throws IOException, InterruptedException {
        Connection connection = NatsConnector.connect(config.natsUrl(), config.natsSecurity(),
                "sluice-worker " + config.workerIdPrefix(), Duration.ofSeconds(config.natsConnectTimeoutSeconds()),
                "_INBOX_" + config.workerIdPrefix());
        WorkerProcess process;
        try {
            process = new WorkerProcess(config, connection, clock);
        } catch (IOException e) {
            connection.close();
            throw e;
        }
        try {
            process.startWorkers(clock);
        } catch (RuntimeException | IOException | InterruptedException e) {
            process.close();
            throw e;
        }
        return process;
    }

    private void startWorkers(Clock clock) throws IOException, InterruptedException {
        String host = HostFacts.current(System.getenv()).hostName();
        DtlsCertificate certificate = dtlsCertificate(config, clock);
        InetAddress listenIp = InetAddress.getByName(config.listenIp());
        PortRange portRange = new PortRange(config.rtcMinPort(), config.rtcMaxPort());
        RedisTransportMappingListener mappings = new RedisTransportMappingListener(registry);
        WorkerLimits limits = config.limits();
        long pid = ProcessHandle.current().pid();
        Set<String> localWorkerIds = new HashSet<>();
        for (int i = 0; i < config.workers(); i++) {
            localWorkerIds.add(config.workerId(i));
        }
        PeerWorkers peers = new PeerWorkers(connection, localWorkerIds);
        LocalPipes localPipes = new LocalPipes();
        int index = 0;
        for (EventExecutor executor : loops) {
            RtcResources rtc = new RtcResources(certificate, dtlsHandshakes, listenIp, config.announcedIp(), portRange,
                    mappings, new IceTcpGuard(limits.iceTcpMaxConnections(), limits.iceTcpMaxPendingPerSource(),
                            Duration.ofSeconds(limits.iceTcpValidationTimeoutSeconds()), clock),
                    new EntityLimits(limits.maxRouters(), limits.maxTransports(), limits.maxConsumers()), localPipes);
            WorkerControl worker = new WorkerControl(config.workerId(index++), (IoEventLoop) executor, host,
                    config.announcedIp(), pid, clock, io::publish, rtc);
            worker.attachPeers(peers);
            ControlService service = new ControlService(worker, io, ControlMethods.all(), closing::get, controlMetrics);
            HeartbeatPublisher heartbeat = new HeartbeatPublisher(worker, io,
                    registry.lease(worker.id(), host, config.announcedIp(), pid, worker.startedAtMs()));
            workers.add(worker);
            services.add(service);
            heartbeats.add(heartbeat);
            service.start();
            heartbeat.start();
            worker.startOverloadControl();
        }
        scheduleTransportSweep(Duration.ofSeconds(2));
        if (config.metricsPort() != 0) {
            healthServer = HealthServer.start(config.metricsIp(), config.metricsPort(),
                    new WorkerMetrics(workers, controlMetrics, clock), this::notReadyReason);
        }
        io.schedule(this::checkDrain, DRAIN_CHECK.toMillis(), TimeUnit.MILLISECONDS);
        try {
            connection.flush(Duration.ofSeconds(5));
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException("NATS did not confirm the subscriptions within 5 s", e);
        }
        EphemeralPorts.overlapWarning(EphemeralPorts.PORT_RANGE, EphemeralPorts.RESERVED_PORTS, config.rtcMinPort(),
                config.rtcMaxPort()).ifPresent(log::warn);
        log.info("serving workers {} on NATS {} ({} loops, {}; RTC on {} ports {}-{}, announced as {})", workerIds(),
                Redaction.redact(config.natsUrl()), workers.size(), NetChannels.name(), config.listenIp(), config.rtcMinPort(),
                config.rtcMaxPort(), config.announcedIp());
    }

    /** Every 10 s (first after {@code delay}): remove Redis mappings left by workers that died. */
    private void scheduleTransportSweep(Duration delay) {
        io.schedule(() -> {
            if (closing.get()) {
                return;
            }
            registry.sweepTransports().whenComplete((result, failure) -> scheduleTransportSweep(TRANSPORT_SWEEP_INTERVAL));
        }, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Puts every worker of the process into draining (docs/protocol.md, {@code worker.drain}):
     * they take no new routers and say so in their heartbeats and registry entries, so the
     * orchestrator moves their rooms away. The process closes once no router is left, or when
     * DRAIN_TIMEOUT passes (closing what is left), then runs {@link #onDrained}.
     */
    public void drain() {
        for (WorkerControl worker : workers) {
            worker.loop().execute(worker::drain);
        }
    }

    /** {@link #drain()}, then waits until the process has closed. */
    public void drainAndAwaitClose() throws InterruptedException {
        drain();
        fullyClosed.await();
    }

    /** Runs once a drain (of every worker, by SIGTERM or {@code worker.drain}) has closed the process. */
    public void onDrained(Runnable action) {
        this.onDrained = action;
    }

    /**
     * Every 250 ms, on the io thread: once every worker drains, counts their routers (on their
     * loops) and closes the process when none is left or the deadline passed. Until a drain it
     * reads one volatile flag per worker and asks the loops nothing.
     */
    private void checkDrain() {
        if (closing.get()) {
            return;
        }
        boolean allDraining = workers().stream().allMatch(Worker::isDraining);
        int routers = 0;
        if (allDraining) {
            try {
                for (Worker worker : workers()) {
                    routers += worker.loop().submit(() -> worker.routers().size()).get(1, TimeUnit.SECONDS);
                }
            } catch (Exception e) {
                allDraining = false;
            }
        }
        if (allDraining) {
            long now = clock.monotonicNanos();
            if (drainStartedNanos == 0) {
                drainStartedNanos = now;
                log.info("draining workers {}: {} routers to move off, at most {} s", workerIds(), routers,
                        config.drainTimeout().toSeconds());
            }
            long elapsedMs = (now - drainStartedNanos) / 1_000_000;
            if (routers == 0 || elapsedMs >= config.drainTimeout().toMillis()) {
                if (routers == 0) {
                    log.info("drained in {} ms: no router left; closing", elapsedMs);
                } else {
                    log.warn("drain deadline of {} s passed with {} routers left; closing them",
                            config.drainTimeout().toSeconds(), routers);
                }
                Thread.ofPlatform().name("sluice-drained").start(() -> {
                    close();
                    onDrained.run();
                });
                return;
            }
        }
        io.schedule(this::checkDrain, DRAIN_CHECK.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The configured certificate, or a new self-signed one; a file that does not load stops the start. */
    private static DtlsCertificate dtlsCertificate(WorkerConfig config, Clock clock) throws IOException {
        if (config.dtlsCertificateFile().isEmpty()) {
            return DtlsCertificate.generate(clock);
        }
        try {
            return DtlsCertificate.fromPemFiles(java.nio.file.Path.of(config.dtlsCertificateFile()),
                    java.nio.file.Path.of(config.dtlsPrivateKeyFile()));
        } catch (IOException | RuntimeException e) {
            throw new IOException("DTLS_CERTIFICATE_FILE / DTLS_PRIVATE_KEY_FILE do not load: " + e.getMessage(), e);
        }
    }

    /** Why the process should get no work now (for /readyz), or null when it is ready. */
    String notReadyReason() {
        if (closing.get()) {
            return "draining: the process is closing";
        }
        if (workers().stream().anyMatch(Worker::isDraining)) {
            return "draining: no new routers; rooms are moving off";
        }
        if (connection.getStatus() != Connection.Status.CONNECTED) {
            return "NATS is " + connection.getStatus().name().toLowerCase(java.util.Locale.ROOT);
        }
        if (!registry.reachable()) {
            return "Redis does not hold the workers' leases (unreachable or not yet connected)";
        }
        return null;
    }

    /** The port of /metrics, /healthz and /readyz, or 0 when METRICS_PORT is unset. */
    public int metricsPort() {
        return healthServer == null ? 0 : healthServer.port();
    }

    public WorkerConfig config() {
        return config;
    }

    /** The worker ids, in loop order: {@code <prefix>-0 .. <prefix>-(WORKERS-1)}. */
    public List<String> workerIds() {
        return workers.stream().map(WorkerControl::id).toList();
    }

    /** The workers, in loop order. Touch a worker's state only from a task on its loop. */
    public List<Worker> workers() {
        return workers.stream().map(WorkerControl::worker).toList();
    }

    /**
     * Shuts down cleanly: new requests get UNAVAILABLE, the services stop, every router closes
     * with its WORKER_CLOSED event, the events are flushed, the registry entries are deleted at
     * once, then NATS and the loops close. Idempotent.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        for (ControlService service : services) {
            service.stop();
        }
        List<Future<?>> closed = new ArrayList<>();
        for (int i = 0; i < workers.size(); i++) {
            WorkerControl control = workers.get(i);
            Worker worker = control.worker();
            HeartbeatPublisher heartbeat = heartbeats.get(i);
            closed.add(worker.loop().submit(() -> {
                heartbeat.stop();
                control.stopOverloadControl();
                worker.closeAllRouters();
            }));
        }
        for (Future<?> future : closed) {
            future.awaitUninterruptibly(SHUTDOWN_STEP.toMillis());
        }
        io.drain(SHUTDOWN_STEP);
        registry.close();
        if (connection.getStatus() == Connection.Status.CONNECTED) {
            try {
                connection.flush(SHUTDOWN_STEP);
            } catch (Exception e) {
                log.warn("NATS did not take the last events ({})", e.toString());
            }
        } else {
            log.warn("closing while NATS is away: the last events are not sent");
        }
        io.close();
        try {
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        loops.shutdownGracefully(0, SHUTDOWN_STEP.toMillis(), TimeUnit.MILLISECONDS)
                .awaitUninterruptibly(SHUTDOWN_STEP.toMillis() + 1000);
        dtlsHandshakes.shutdownNow();
        if (healthServer != null) {
            healthServer.close();
        }
        log.info("workers {} closed", workerIds());
        fullyClosed.countDown();
    }

}
