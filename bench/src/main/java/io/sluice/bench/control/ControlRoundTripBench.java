package io.sluice.bench.control;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.support.JsonValue;
import io.nats.service.Discovery;
import io.nats.service.EndpointStats;
import io.nats.service.StatsResponse;
import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.ParameterValue;
import io.sluice.api.v1.RtpCodecCapability;
import io.sluice.bench.BenchMachine;
import io.sluice.orchestrator.client.RouterClient;
import io.sluice.orchestrator.client.SluiceRequester;
import io.sluice.orchestrator.client.WorkerClient;
import io.sluice.worker.WorkerProcess;
import io.sluice.worker.config.WorkerConfig;
import io.sluice.worker.testsupport.FreePort;
import io.sluice.worker.testsupport.ManagedProcess;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * worker.createRouter round trips over NATS on loopback: a real nats-server and redis-server
 * (started here on free loopback ports), an in-process worker with one loop, and the
 * orchestrator stub's typed client. Phases: warm-up, then N sequential requests (latency
 * percentiles), then C concurrent requesters each sending requests back to back (throughput and
 * latency under load). Routers are closed between phases, outside the measurements.
 *
 * <p>Usage: {@code ControlRoundTripBench [warmup] [sequential] [concurrentTotal] [concurrency...]}
 * (defaults 3000 10000 20000 4 16).
 */
public final class ControlRoundTripBench {

    private static final List<RtpCodecCapability> MEDIA_CODECS = List.of(
            RtpCodecCapability.newBuilder().setKind(MediaKind.AUDIO).setMimeType("audio/opus").setClockRate(48000)
                    .setChannels(2).build(),
            RtpCodecCapability.newBuilder().setKind(MediaKind.VIDEO).setMimeType("video/VP8").setClockRate(90000).build(),
            RtpCodecCapability.newBuilder().setKind(MediaKind.VIDEO).setMimeType("video/H264").setClockRate(90000)
                    .putParameters("packetization-mode", ParameterValue.newBuilder().setIntValue(1).build())
                    .putParameters("profile-level-id", ParameterValue.newBuilder().setStringValue("42e01f").build())
                    .build());

    private ControlRoundTripBench() {}

    public static void main(String[] args) throws Exception {
        int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 3_000;
        int sequential = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int concurrentTotal = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        List<Integer> concurrencies = new ArrayList<>();
        for (int i = 3; i < args.length; i++) {
            concurrencies.add(Integer.parseInt(args[i]));
        }
        if (concurrencies.isEmpty()) {
            concurrencies = List.of(4, 16);
        }
        printMachine();

        Path dir = Files.createTempDirectory("sluice-bench-");
        int natsPort = FreePort.tcp();
        int redisPort = FreePort.tcp();
        try (ManagedProcess nats = new ManagedProcess(
                        List.of("nats-server", "-a", "127.0.0.1", "-p", Integer.toString(natsPort)),
                        dir.resolve("nats-server.log")).start();
                ManagedProcess redis = new ManagedProcess(
                        List.of("redis-server", "--bind", "127.0.0.1", "--port", Integer.toString(redisPort),
                                "--save", "", "--appendonly", "no", "--dir", dir.toString()),
                        dir.resolve("redis-server.log")).start()) {
            nats.awaitTcpPort(natsPort, Duration.ofSeconds(10));
            redis.awaitTcpPort(redisPort, Duration.ofSeconds(10));
            WorkerConfig config = new WorkerConfig("nats://127.0.0.1:" + natsPort, "redis://127.0.0.1:" + redisPort,
                    "bench", 1, "127.0.0.1", "127.0.0.1", 40000, 40999, "warn");
            try (WorkerProcess worker = WorkerProcess.start(config);
                    Connection connection = Nats.connect(new Options.Builder()
                            .server("nats://127.0.0.1:" + natsPort).connectionName("sluice-bench").build())) {
                WorkerClient client = new WorkerClient(new SluiceRequester(connection, Duration.ofSeconds(5)),
                        worker.workerIds().get(0));
                run(client, warmup, sequential, concurrentTotal, concurrencies);
                printWorkerSideTime(connection);
                System.out.printf("load average at the end: %.2f%n",
                        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            }
        }
    }

    private static void run(WorkerClient client, int warmup, int sequential, int concurrentTotal,
            List<Integer> concurrencies) throws Exception {
        List<RouterClient> created = new ArrayList<>();
        LatencyRecorder warm = new LatencyRecorder(warmup);
        sequentialPhase(client, warmup, warm, created);
        closeAll(created);
        System.out.printf("warm-up:    %s%n", warm.summary());

        LatencyRecorder sequentialLatency = new LatencyRecorder(sequential);
        long start = System.nanoTime();
        sequentialPhase(client, sequential, sequentialLatency, created);
        double seconds = (System.nanoTime() - start) / 1e9;
        closeAll(created);
        System.out.printf("sequential: %s, %.0f req/s%n", sequentialLatency.summary(), sequential / seconds);

        for (int concurrency : concurrencies) {
            LatencyRecorder latency = new LatencyRecorder(concurrentTotal);
            ConcurrentLinkedQueue<RouterClient> routers = new ConcurrentLinkedQueue<>();
            long began = System.nanoTime();
            concurrentPhase(client, concurrency, concurrentTotal, latency, routers);
            double elapsed = (System.nanoTime() - began) / 1e9;
            closeAll(new ArrayList<>(routers));
            System.out.printf("concurrent %2d: %s, %.0f req/s%n", concurrency, latency.summary(),
                    concurrentTotal / elapsed);
        }
    }

    private static void sequentialPhase(WorkerClient client, int requests, LatencyRecorder latency,
            List<RouterClient> created) throws Exception {
        for (int i = 0; i < requests; i++) {
            long sent = System.nanoTime();
            RouterClient router = client.createRouter(MEDIA_CODECS, "bench-room-" + i, null).get(5, TimeUnit.SECONDS);
            latency.record(System.nanoTime() - sent);
            created.add(router);
        }
    }

    /** {@code concurrency} closed loops, each sending its next request when the previous one answered. */
    private static void concurrentPhase(WorkerClient client, int concurrency, int total, LatencyRecorder latency,
            ConcurrentLinkedQueue<RouterClient> routers) throws Exception {
        AtomicInteger remaining = new AtomicInteger(total);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(concurrency);
        for (int i = 0; i < concurrency; i++) {
            sendNext(client, remaining, latency, routers, failure, done);
        }
        if (!done.await(5, TimeUnit.MINUTES)) {
            throw new IllegalStateException("concurrent phase did not finish in 5 minutes");
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a request failed", failure.get());
        }
    }

    private static void sendNext(WorkerClient client, AtomicInteger remaining, LatencyRecorder latency,
            ConcurrentLinkedQueue<RouterClient> routers, AtomicReference<Throwable> failure, CountDownLatch done) {
        int index = remaining.decrementAndGet();
        if (index < 0 || failure.get() != null) {
            done.countDown();
            return;
        }
        long sent = System.nanoTime();
        client.createRouter(MEDIA_CODECS, "bench-room-" + index, null).whenComplete((router, error) -> {
            if (error != null) {
                failure.compareAndSet(null, error);
                done.countDown();
                return;
            }
            latency.record(System.nanoTime() - sent);
            routers.add(router);
            // Off the jnats thread that completed the reply, so the next send never waits on it.
            CompletableFuture.runAsync(() -> sendNext(client, remaining, latency, routers, failure, done));
        });
    }

    private static void closeAll(List<RouterClient> routers) throws Exception {
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (RouterClient router : routers) {
            closing.add(router.close());
            if (closing.size() == 256) {
                CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
                closing.clear();
            }
        }
        CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        routers.clear();
    }

    /**
     * The worker's own account of createRouter ($SRV.STATS endpoint data: request received to
     * reply queued, averaged over every phase), to tell the worker's share from the NATS hops.
     */
    private static void printWorkerSideTime(Connection connection) {
        for (StatsResponse stats : new Discovery(connection, 1_000, 10).stats("sluice-worker")) {
            for (EndpointStats endpoint : stats.getEndpointStatsList()) {
                JsonValue data = endpoint.getData();
                if (endpoint.getName().equals("worker_createRouter") && data != null && data.map != null) {
                    JsonValue average = data.map.get("average_processing_time_ns");
                    JsonValue replies = data.map.get("replies");
                    System.out.printf("worker side (all phases): %s replies, average %.0f us from request to reply%n",
                            replies, average == null || average.number == null ? Double.NaN
                                    : average.number.doubleValue() / 1_000.0);
                }
            }
        }
    }

    private static void printMachine() throws Exception {
        System.out.println(BenchMachine.describe());
        System.out.printf("jvm args: %s; load average %.2f%n", ManagementFactory.getRuntimeMXBean().getInputArguments(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
}
