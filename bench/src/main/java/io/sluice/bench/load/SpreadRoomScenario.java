package io.sluice.bench.load;

import static io.sluice.bench.load.SignalingClient.data;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.sluice.bench.BenchMachine;
import io.sluice.worker.WorkerProcess;
import io.sluice.worker.config.WorkerConfig;
import io.sluice.worker.dtls.DtlsFingerprint;
import io.sluice.worker.srtp.SrtpReceiveContext;
import io.sluice.worker.testsupport.FreePort;
import io.sluice.worker.testsupport.ManagedProcess;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The seed's scaling scenario, end to end: one publisher and {@code --listeners} listeners join
 * one room through the orchestrator stub's signaling (WebSocket, as the demo page does), the
 * stub spreads the room over the worker loops once {@code --per-worker} peers fill a worker
 * (ROOM_PEERS_PER_WORKER), each spread router gets the publisher's producer by
 * router.pipeToRouter (in memory between the loops of one process), and every listener is a
 * WebRTC consumer played by the bench ({@link WebRtcClients}: ICE, DTLS, SRTP; not a browser).
 * Measured: the time from the first listener's join to the last listener's resumed consumer
 * (signaling, transports, ICE, DTLS, pipes, consumers), then {@code --seconds} of the
 * publisher's 1 Mbps stream: loss over all listeners and per router, latency, each loop's CPU.
 *
 * <p>Options: {@code --listeners 2000} {@code --workers 2} {@code --per-worker} (default: the
 * room's peers divided evenly over the workers) {@code --batch 50} (listeners joining at once)
 * {@code --seconds 10} {@code --pps 100} {@code --payload 1160} {@code --receivers 2}
 * {@code --rcvbuf 1048576} {@code --budget 240} (seconds for the set-up; listeners not joined by
 * then are left out and the run says so).
 */
public final class SpreadRoomScenario {

    private static final String ROOM = "seed-room";
    private static final String RECEIVER_CAPABILITIES = """
            {"codecs":[{"kind":"video","mimeType":"video/VP8","preferredPayloadType":96,"clockRate":90000,
              "parameters":{},"rtcpFeedback":[{"type":"nack","parameter":""},{"type":"nack","parameter":"pli"}]}],
             "headerExtensions":[]}""";
    private static final String PRODUCER_RTP_PARAMETERS = """
            {"mid":"0","codecs":[{"mimeType":"video/VP8","payloadType":%d,"clockRate":90000,"parameters":{},
              "rtcpFeedback":[{"type":"nack","parameter":""},{"type":"nack","parameter":"pli"}]}],
             "headerExtensions":[],"encodings":[{"ssrc":%d}],"rtcp":{"cname":"seed-room","reducedSize":true}}"""
            .formatted(PacedSender.PAYLOAD_TYPE, PacedSender.SSRC);

    private SpreadRoomScenario() {}

    record Settings(int listeners, int workers, int perWorker, int batch, int seconds, int packetsPerSecond,
            int payload, int receiverThreads, int receiveBuffer, int budgetSeconds) {

        static Settings parse(String[] args) {
            Map<String, String> options = new HashMap<>();
            for (int i = 0; i < args.length; i += 2) {
                if (!args[i].startsWith("--") || i + 1 >= args.length) {
                    throw new IllegalArgumentException("options are --name value pairs, not " + args[i]);
                }
                options.put(args[i].substring(2), args[i + 1]);
            }
            int listeners = Integer.parseInt(options.getOrDefault("listeners", "2000"));
            int workers = Integer.parseInt(options.getOrDefault("workers", "2"));
            int evenly = (listeners + 1 + workers - 1) / workers;
            return new Settings(listeners, workers,
                    Integer.parseInt(options.getOrDefault("per-worker", Integer.toString(evenly))),
                    Integer.parseInt(options.getOrDefault("batch", "50")),
                    Integer.parseInt(options.getOrDefault("seconds", "10")),
                    Integer.parseInt(options.getOrDefault("pps", "100")),
                    Integer.parseInt(options.getOrDefault("payload", "1160")),
                    Integer.parseInt(options.getOrDefault("receivers", "2")),
                    Integer.parseInt(options.getOrDefault("rcvbuf", "1048576")),
                    Integer.parseInt(options.getOrDefault("budget", "240")));
        }
    }

    /** One peer's WebRTC transport, connected (ICE nominated, DTLS done). */
    private record Connected(String transportId, WebRtcClients.Client client, SrtpReceiveContext srtp) {}

    /** A listener whose consumer of the publisher is resumed. */
    private record Listener(String peerId, WebRtcClients.Client client, SrtpReceiveContext srtp, long setupNanos) {}

    public static void main(String[] args) throws Exception {
        Settings settings = Settings.parse(args);
        System.out.println(BenchMachine.describe());
        System.out.printf("load average %.2f; %d listeners, %d worker loops in one process, %d peers per worker%n",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), settings.listeners(),
                settings.workers(), settings.perWorker());
        Path dir = Files.createTempDirectory("sluice-spread-room-");
        int natsPort = FreePort.tcp();
        int redisPort = FreePort.tcp();
        String redisUrl = "redis://127.0.0.1:" + redisPort;
        try (ManagedProcess nats = new ManagedProcess(
                        List.of("nats-server", "-a", "127.0.0.1", "-p", Integer.toString(natsPort)),
                        dir.resolve("nats-server.log")).start();
                ManagedProcess redis = new ManagedProcess(
                        List.of("redis-server", "--bind", "127.0.0.1", "--port", Integer.toString(redisPort),
                                "--save", "", "--appendonly", "no", "--dir", dir.toString()),
                        dir.resolve("redis-server.log")).start()) {
            nats.awaitTcpPort(natsPort, Duration.ofSeconds(10));
            redis.awaitTcpPort(redisPort, Duration.ofSeconds(10));
            WorkerConfig config = new WorkerConfig("nats://127.0.0.1:" + natsPort, redisUrl, "seed",
                    settings.workers(), "127.0.0.1", "127.0.0.1", 20000, 29999, "warn");
            try (WorkerProcess worker = WorkerProcess.start(config);
                    Connection connection = Nats.connect("nats://127.0.0.1:" + natsPort);
                    StubInProcess stub = new StubInProcess(connection, redisUrl, settings.workers(),
                            settings.perWorker());
                    WebRtcClients clients = new WebRtcClients(settings.receiveBuffer());
                    ConsumerReceivers receivers = new ConsumerReceivers(settings.receiveBuffer(), 16)) {
                // Not closed but shut down: close() would wait for the listeners' open WebSockets.
                HttpClient http = HttpClient.newHttpClient();
                try {
                    run(settings, stub, http, clients, receivers);
                } finally {
                    http.shutdownNow();
                }
            }
        }
    }

    private static void run(Settings settings, StubInProcess stub, HttpClient http, WebRtcClients clients,
            ConsumerReceivers receivers) throws Exception {
        clients.beginSetup();
        clients.startConsent(5000);
        SignalingClient publisherSignaling = SignalingClient.open(http, stub.port()).get(30, TimeUnit.SECONDS);
        publisherSignaling.request("join", data("roomId", ROOM, "token",
                StubInProcess.token("publisher", ROOM, "video"))).get(30, TimeUnit.SECONDS);
        Connected sending = connectTransport(publisherSignaling, clients, "send").get(60, TimeUnit.SECONDS);
        String producerId = publisherSignaling.request("produce", data("transportId", sending.transportId(),
                "kind", "video", "rtpParameters", SignalingClient.JSON.readTree(PRODUCER_RTP_PARAMETERS)))
                .get(30, TimeUnit.SECONDS).path("id").asText();

        List<Listener> listeners = new ArrayList<>();
        long setupStart = System.nanoTime();
        long budget = setupStart + TimeUnit.SECONDS.toNanos(settings.budgetSeconds());
        while (listeners.size() < settings.listeners() && System.nanoTime() < budget) {
            int batch = Math.min(settings.batch(), settings.listeners() - listeners.size());
            List<CompletableFuture<Listener>> joining = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                joining.add(listen(http, stub.port(), clients, producerId, "listener-" + (listeners.size() + i)));
            }
            CompletableFuture.allOf(joining.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            joining.forEach(listener -> listeners.add(listener.join()));
        }
        long setupNanos = System.nanoTime() - setupStart;
        clients.endSetup();
        long[] perListener = listeners.stream().mapToLong(Listener::setupNanos).sorted().toArray();
        System.out.printf("set-up: %d listeners in %.1f s (%.1f joins/s), batches of %d; one listener's join to "
                        + "resumed consumer p50 %.0f ms, p99 %.0f ms%s%n", listeners.size(), setupNanos / 1e9,
                listeners.size() / (setupNanos / 1e9), settings.batch(), percentile(perListener, 50) / 1e6,
                percentile(perListener, 99) / 1e6, listeners.size() < settings.listeners()
                        ? " (budget of " + settings.budgetSeconds() + " s spent: " + settings.listeners()
                                + " asked)" : "");

        JsonNode dump = SignalingClient.JSON.readTree(stub.roomDump(ROOM).orElseThrow());
        Map<String, String> routerOfPeer = new HashMap<>();
        for (JsonNode router : dump.path("routers")) {
            router.path("peers").forEach(peer -> routerOfPeer.put(peer.asText(), router.path("routerId").asText()));
            System.out.printf("router %s on worker %s%s: %d peers%n", router.path("routerId").asText(),
                    router.path("workerId").asText(), router.path("home").asBoolean() ? " (home)" : "",
                    router.path("peers").size());
        }
        System.out.println("pipes (producer to routers): " + dump.path("pipes"));

        for (Listener listener : listeners) {
            receivers.adopt(listener.client().channel, listener.srtp());
        }
        List<LoopThread> loops = LoopThread.findAll();
        try (PacedSender sender = new PacedSender(sending.client().channel, sending.client().sendContext(),
                settings.payload())) {
            measure(settings, receivers, sender, loops, listeners, routerOfPeer);
        }
    }

    /** A listener: signaling socket, join, receive transport connected, consumer made and resumed. */
    private static CompletableFuture<Listener> listen(HttpClient http, int port, WebRtcClients clients,
            String producerId, String userId) {
        long start = System.nanoTime();
        return SignalingClient.open(http, port).thenCompose(signaling -> signaling.request("join",
                        data("roomId", ROOM, "token", StubInProcess.token(userId, ROOM)))
                .thenCompose(joined -> connectTransport(signaling, clients, "recv")
                        .thenCompose(connected -> signaling.request("consume", data("transportId",
                                        connected.transportId(), "producerId", producerId, "rtpCapabilities",
                                        capabilities()))
                                .thenCompose(consumer -> signaling.request("resumeConsumer",
                                        data("consumerId", consumer.path("id").asText())))
                                .thenApply(resumed -> new Listener(joined.path("peerId").asText(),
                                        connected.client(), connected.srtp(), System.nanoTime() - start)))));
    }

    /** createWebRtcTransport, the ICE binding that nominates its UDP candidate, connectTransport, DTLS. */
    private static CompletableFuture<Connected> connectTransport(SignalingClient signaling, WebRtcClients clients,
            String direction) {
        return signaling.request("createWebRtcTransport", data("direction", direction)).thenCompose(transport -> {
            JsonNode udp = null;
            for (JsonNode candidate : transport.path("iceCandidates")) {
                if (candidate.path("protocol").asText().equals("udp")) {
                    udp = candidate;
                }
            }
            WebRtcClients.Client client;
            DtlsFingerprint workerFingerprint;
            try {
                client = clients.open(new InetSocketAddress(udp.path("address").asText(), udp.path("port").asInt()),
                        transport.path("iceParameters").path("usernameFragment").asText(),
                        transport.path("iceParameters").path("password").asText());
                workerFingerprint = sha256(transport.path("dtlsParameters"));
            } catch (Exception e) {
                return CompletableFuture.failedFuture(e);
            }
            String transportId = transport.path("id").asText();
            return client.nominate()
                    .thenCompose(selected -> signaling.request("connectTransport", data("transportId", transportId,
                            "dtlsParameters", data("role", "client", "fingerprints", List.of(data("algorithm",
                                    "sha-256", "value", clients.fingerprint().value()))))))
                    .thenCompose(connected -> client.handshake(workerFingerprint))
                    .thenApply(srtp -> new Connected(transportId, client, srtp));
        });
    }

    private static DtlsFingerprint sha256(JsonNode dtlsParameters) throws Exception {
        for (JsonNode fingerprint : dtlsParameters.path("fingerprints")) {
            if (fingerprint.path("algorithm").asText().equals("sha-256")) {
                return DtlsFingerprint.parse("sha-256", fingerprint.path("value").asText());
            }
        }
        throw new IllegalStateException("no sha-256 fingerprint in " + dtlsParameters);
    }

    private static JsonNode capabilities() {
        try {
            return SignalingClient.JSON.readTree(RECEIVER_CAPABILITIES);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The publisher's stream for the measured seconds: loss overall and per router, latency, loop CPU. */
    private static void measure(Settings settings, ConsumerReceivers receivers, PacedSender sender,
            List<LoopThread> loops, List<Listener> listeners, Map<String, String> routerOfPeer) throws Exception {
        // Packets sent before the window (none yet) and the first ones' key-frame requests settle here.
        receivers.start(settings.receiverThreads());
        sender.send(2L * settings.packetsPerSecond(), settings.packetsPerSecond());
        receivers.awaitQuiet(200_000_000L, 5_000_000_000L);
        long[] warm = receivers.receivedPerConsumer();
        receivers.stop();
        long silent = Arrays.stream(warm).filter(count -> count == 0).count();
        receivers.start(settings.receiverThreads());
        long[] cpuStart = loops.stream().mapToLong(LoopThread::cpuNanos).toArray();
        long wallStart = System.nanoTime();
        long sent = sender.send((long) settings.seconds() * settings.packetsPerSecond(), settings.packetsPerSecond());
        long sendingNanos = System.nanoTime() - wallStart;
        receivers.awaitQuiet(200_000_000L, 1_000_000_000L);
        long wall = System.nanoTime() - wallStart;
        receivers.stop();
        long[] received = receivers.receivedPerConsumer();
        Map<String, long[]> perRouter = new java.util.TreeMap<>();
        long total = 0;
        for (int i = 0; i < received.length; i++) {
            total += received[i];
            long[] router = perRouter.computeIfAbsent(routerOfPeer.getOrDefault(listeners.get(i).peerId(), "?"),
                    id -> new long[2]);
            router[0] += received[i];
            router[1] += sent;
        }
        System.out.printf("warm-up: %d of %d listeners received nothing in the first 2 s%n", silent, received.length);
        System.out.printf("measured %d s at %d pkt/s (%d bytes each): %d sent, forwarded %.0f pkt/s, loss %.3f%%, "
                        + "latency p50 %.0f us / p99 %.0f us (n=%d), %d SRTP failures in samples, load average %.2f%n",
                settings.seconds(), settings.packetsPerSecond(), sender.packetLength(), sent, total / (sendingNanos / 1e9),
                100.0 * (1 - (double) total / Math.max(1, sent * received.length)),
                receivers.latencyPercentileMicros(50), receivers.latencyPercentileMicros(99),
                receivers.latencySamples(), receivers.decryptFailures(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        perRouter.forEach((router, counts) -> System.out.printf("  router %s: loss %.3f%%%n", router,
                100.0 * (1 - (double) counts[0] / Math.max(1, counts[1]))));
        for (int i = 0; i < loops.size(); i++) {
            System.out.printf("  loop %d (worker threads in name order) CPU %.0f%%%n", i, 100.0 * (loops.get(i).cpuNanos() - cpuStart[i]) / wall);
        }
        System.out.printf("  receivers CPU %.0f%%%n", 100.0 * receivers.receiverCpuNanos() / wall);
    }

    private static double percentile(long[] sorted, double percentile) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(percentile / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank))];
    }
}
