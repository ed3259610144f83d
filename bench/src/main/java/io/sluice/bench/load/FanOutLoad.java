package io.sluice.bench.load;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.sluice.bench.BenchMachine;
import io.sluice.worker.WorkerProcess;
import io.sluice.worker.config.WorkerConfig;
import io.sluice.worker.srtp.SrtpProfile;
import io.sluice.worker.srtp.SrtpSendContext;
import io.sluice.worker.testsupport.FreePort;
import io.sluice.worker.testsupport.ManagedProcess;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Fan-out over loopback: one SRTP producer at 1 Mbps (100 packets/s of ~1.2 kB) forwarded by a
 * worker with one loop to N SRTP consumers, N stepped up until more than the loss limit of the
 * forwarded packets is lost. Per step: forwarded packets per second, loss (total and worst
 * consumer), forwarding latency p50/p99 (sampled, from the send time inside the decrypted
 * payload), the loop thread's CPU time and allocated bytes per forwarded packet, the receivers'
 * CPU, and the load average (other jobs may share the machine).
 *
 * <p>Options: {@code --steps 50,100,...} {@code --seconds 10} {@code --pps 100}
 * {@code --payload 1160} {@code --loss-limit 0.001} {@code --receivers 2}
 * {@code --consumer-transport plain|webrtc-server} (SRTP plain transports, the default, or
 * WebRTC transports sharing one WebRtcServer port, see {@link WebRtcClients}) and
 * {@code --plain-srtp aes-cm|gcm|gcm256} (the plain transports' SRTP: AES_CM_128_HMAC_SHA1_80,
 * the default, AEAD_AES_128_GCM, or AEAD_AES_256_GCM, which the worker's DTLS picks first and
 * so the WebRTC consumers get)
 * {@code --rcvbuf 1048576} {@code --sample-every 16} {@code --profile} (samples the loop
 * thread's stack every 10 ms during each step and prints where it was) {@code --budget 270}
 * (seconds; no step starts after it) {@code --pipe none|in-process|udp} (two loops: the producer
 * on the first, the consumers on a router of the second, the producer piped there in memory by
 * router.pipeToRouter, or over a loopback UDP pipe wired by hand; loop CPU and allocation are then
 * the sum over both loops, with each loop's share printed below its row).
 *
 * <p>The overload curve: {@code --capacity N --offered 50,75,100,125,150,175,200} runs every step
 * (N times each percentage; no stop at the loss limit) and prints below each row how many
 * consumers were served (received at least half the packets; the worker sheds by pausing
 * consumers, docs/protocol.md "Overload"), the loss among them, and the worker's last overload
 * event (shed steps, packets dropped as late).
 */
public final class FanOutLoad {

    private FanOutLoad() {}

    record Settings(int[] steps, int seconds, int packetsPerSecond, int payload, double lossLimit, int receiverThreads,
            int receiveBuffer, int sampleEvery, boolean profile, int budgetSeconds, boolean webRtcServer, SrtpProfile plainProfile,
            String pipe, int capacity) {

        static Settings parse(String[] args) {
            Map<String, String> options = new HashMap<>();
            for (int i = 0; i < args.length; i++) {
                if (!args[i].startsWith("--")) {
                    throw new IllegalArgumentException("unexpected argument " + args[i]);
                }
                String name = args[i].substring(2);
                options.put(name, name.equals("profile") ? "true" : args[++i]);
            }
            int[] steps = Arrays.stream(options.getOrDefault("steps", "50,100,200,400,800,1200,1600,2000,2500")
                    .split(",")).mapToInt(Integer::parseInt).toArray();
            int capacity = Integer.parseInt(options.getOrDefault("capacity", "0"));
            if (capacity > 0) {
                steps = Arrays.stream(options.getOrDefault("offered", "50,75,100,125,150,175,200").split(","))
                        .mapToInt(percent -> capacity * Integer.parseInt(percent) / 100).toArray();
            }
            return new Settings(steps, Integer.parseInt(options.getOrDefault("seconds", "10")),
                    Integer.parseInt(options.getOrDefault("pps", "100")),
                    Integer.parseInt(options.getOrDefault("payload", "1160")),
                    Double.parseDouble(options.getOrDefault("loss-limit", "0.001")),
                    Integer.parseInt(options.getOrDefault("receivers", "2")),
                    Integer.parseInt(options.getOrDefault("rcvbuf", "1048576")),
                    Integer.parseInt(options.getOrDefault("sample-every", "16")),
                    options.containsKey("profile"), Integer.parseInt(options.getOrDefault("budget", "270")),
                    consumerTransport(options.getOrDefault("consumer-transport", "plain")),
                    switch (options.getOrDefault("plain-srtp", "aes-cm")) {
                        case "aes-cm" -> SrtpProfile.AES128_CM_HMAC_SHA1_80;
                        case "gcm" -> SrtpProfile.AEAD_AES_128_GCM;
                        case "gcm256" -> SrtpProfile.AEAD_AES_256_GCM;
                        default -> throw new IllegalArgumentException("--plain-srtp is aes-cm, gcm or gcm256");
                    },
                    switch (options.getOrDefault("pipe", "none")) {
                        case "none", "in-process", "udp" -> options.getOrDefault("pipe", "none");
                        default -> throw new IllegalArgumentException("--pipe is none, in-process or udp");
                    },
                    capacity);
        }

        private static boolean consumerTransport(String value) {
            return switch (value) {
                case "plain" -> false;
                case "webrtc-server" -> true;
                default -> throw new IllegalArgumentException("--consumer-transport is plain or webrtc-server, not " + value);
            };
        }
    }

    public static void main(String[] args) throws Exception {
        Settings settings = Settings.parse(args);
        long began = System.nanoTime();
        printMachine();
        Path dir = Files.createTempDirectory("sluice-fanout-");
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
            // Worker ports below the kernel's ephemeral range, where the receivers bind.
            WorkerConfig config = new WorkerConfig("nats://127.0.0.1:" + natsPort, "redis://127.0.0.1:" + redisPort,
                    "fanout", settings.pipe().equals("none") ? 1 : 2, "127.0.0.1", "127.0.0.1", 20000, 29999, "warn");
            try (WorkerProcess worker = WorkerProcess.start(config);
                    Connection connection = Nats.connect(new Options.Builder()
                            .server("nats://127.0.0.1:" + natsPort).connectionName("sluice-fanout").build());
                    ConsumerReceivers receivers = new ConsumerReceivers(settings.receiveBuffer(), settings.sampleEvery());
                    WebRtcClients webRtcClients = settings.webRtcServer() ? new WebRtcClients(settings.receiveBuffer()) : null) {
                System.out.println("consumers: " + (settings.webRtcServer()
                        ? "WebRTC transports on one WebRtcServer UDP port (ICE + DTLS client per consumer)"
                        : "SRTP plain transports (one UDP socket each on the worker)"));
                FanOutTopology topology = new FanOutTopology(connection, worker.workerIds().get(0), webRtcClients,
                        settings.plainProfile());
                byte[] senderKey = topology.createProducer();
                if (!settings.pipe().equals("none")) {
                    long piping = System.nanoTime();
                    topology.pipeTo(worker.workerIds().get(1), settings.pipe());
                    System.out.printf("producer piped (%s) from loop 0 to loop 1 in %.0f ms; consumers on loop 1%n",
                            settings.pipe(), (System.nanoTime() - piping) / 1e6);
                }
                SrtpProfile profile = settings.plainProfile();
                System.out.println("plain transports' SRTP: " + profile
                        + (settings.webRtcServer() ? " (the WebRTC consumers' comes from DTLS)" : ""));
                SrtpSendContext srtp = new SrtpSendContext(profile,
                        Arrays.copyOf(senderKey, profile.keyLength()),
                        Arrays.copyOfRange(senderKey, profile.keyLength(), senderKey.length));
                try (PacedSender sender = new PacedSender(topology.producerAddress(), srtp, settings.payload())) {
                    List<LoopThread> loop = LoopThread.findAll();
                    System.out.printf("packet: %d bytes of SRTP (UDP payload), %d/s per consumer = %.2f Mbit/s;"
                            + " SO_RCVBUF requested %d%n", sender.packetLength(), settings.packetsPerSecond(),
                            sender.packetLength() * 8.0 * settings.packetsPerSecond() / 1e6, settings.receiveBuffer());
                    OverloadEvents overload = new OverloadEvents(connection);
                    run(settings, topology, receivers, sender, loop, began, overload);
                    if (webRtcClients != null) {
                        System.out.printf("consent checks sent: %d; WebRTC consumers' SRTP (from DTLS): %s%n",
                                webRtcClients.consentChecksSent(), webRtcClients.negotiatedProfiles());
                    }
                }
            }
        }
        System.out.printf("total %.0f s%n", (System.nanoTime() - began) / 1e9);
    }

    private static void run(Settings settings, FanOutTopology topology, ConsumerReceivers receivers,
            PacedSender sender, List<LoopThread> loop, long began, OverloadEvents overload) throws Exception {
        System.out.println("| N | forwarded pkt/s | loss | worst consumer loss | latency p50 / p99 (us) |"
                + " loop CPU | loop CPU/pkt (us) | loop alloc/pkt (B) | receivers CPU | load avg | UDP RcvbufErrors |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        int largestPassing = 0;
        boolean warmedUp = false;
        for (int consumers : settings.steps()) {
            if ((System.nanoTime() - began) / 1e9 > settings.budgetSeconds()) {
                System.out.printf("budget of %d s spent; stopping before N=%d%n", settings.budgetSeconds(), consumers);
                break;
            }
            topology.growTo(consumers, receivers);
            if (!warmedUp) {
                step(settings, receivers, sender, loop, 2, false);
                warmedUp = true;
            }
            StepResult result = step(settings, receivers, sender, loop, settings.seconds(), settings.profile());
            System.out.println(result.row(consumers));
            if (result.perLoop().length > 1) {
                System.out.printf("  per loop: CPU/pkt %s us, alloc/pkt %s B%n",
                        Arrays.toString(Arrays.stream(result.perLoop()).map(l -> String.format("%.2f", l[0] / 1e3
                                / Math.max(1, result.received()))).toArray()),
                        Arrays.toString(Arrays.stream(result.perLoop()).map(l -> String.format("%.0f",
                                (double) l[1] / Math.max(1, result.received()))).toArray()));
            }
            if (result.decryptFailures() > 0) {
                System.out.printf("  %d sampled packets failed SRTP authentication%n", result.decryptFailures());
            }
            if (settings.profile()) {
                System.out.println(result.profile());
            }
            if (settings.capacity() > 0) {
                System.out.printf("  offered %d%% of %d: %s; worker: %s%n", 100 * consumers / settings.capacity(),
                        settings.capacity(), result.served(), overload.last());
                continue;
            }
            if (result.loss() > settings.lossLimit()) {
                break;
            }
            largestPassing = consumers;
        }
        System.out.printf("largest N with loss <= %.2f%%: %d (SO_RCVBUF granted %d)%n", settings.lossLimit() * 100,
                largestPassing, receivers.grantedReceiveBuffer());
    }

    private static StepResult step(Settings settings, ConsumerReceivers receivers, PacedSender sender,
            List<LoopThread> loops, int seconds, boolean profile) throws Exception {
        LoopThread loop = loops.get(0);
        // Drain what an earlier step left queued in the worker (up to 10 s), uncounted.
        receivers.start(settings.receiverThreads());
        receivers.awaitQuiet(200_000_000L, 10_000_000_000L);
        receivers.stop();
        receivers.start(settings.receiverThreads());
        LoopThread.Sampler sampler = profile ? loop.startSampler() : null;
        long bufferDropsStart = udpReceiveBufferErrors();
        long[][] perLoop = new long[loops.size()][2];
        for (int i = 0; i < perLoop.length; i++) {
            perLoop[i][0] = -loops.get(i).cpuNanos();
            perLoop[i][1] = -loops.get(i).allocatedBytes();
        }
        long wallStart = System.nanoTime();
        long sent = sender.send((long) seconds * settings.packetsPerSecond(), settings.packetsPerSecond());
        long sendingNanos = System.nanoTime() - wallStart;
        // Let the last packets through before counting: 200 ms without a packet, at most 1 s. A packet
        // still queued in the worker a second after the sender stopped counts as lost: the loop fell
        // behind, and real-time media that late is useless.
        receivers.awaitQuiet(200_000_000L, 1_000_000_000L);
        long wall = System.nanoTime() - wallStart;
        long cpu = 0;
        long allocated = 0;
        for (int i = 0; i < perLoop.length; i++) {
            perLoop[i][0] += loops.get(i).cpuNanos();
            perLoop[i][1] += loops.get(i).allocatedBytes();
            cpu += perLoop[i][0];
            allocated += perLoop[i][1];
        }
        long bufferDrops = udpReceiveBufferErrors() - bufferDropsStart;
        String where = sampler == null ? "" : sampler.stopAndSummarise(12);
        receivers.stop();
        long[] received = receivers.receivedPerConsumer();
        long total = 0;
        long worst = sent;
        for (long count : received) {
            total += count;
            worst = Math.min(worst, count);
        }
        long expected = sent * received.length;
        long served = 0;
        long servedReceived = 0;
        for (long count : received) {
            if (count * 2 >= sent) {
                served++;
                servedReceived += count;
            }
        }
        String servedSummary = String.format("%d of %d consumers served (>= half the packets), loss among them %.3f%%",
                served, received.length, served == 0 ? 100.0 : 100.0 * (1.0 - (double) servedReceived / (served * sent)));
        return new StepResult(sent, sendingNanos, total, expected, 1.0 - (double) worst / sent,
                receivers.latencyPercentileMicros(50), receivers.latencyPercentileMicros(99),
                receivers.latencySamples(), receivers.decryptFailures(), cpu, wall, allocated,
                receivers.receiverCpuNanos(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                bufferDrops, where, perLoop, servedSummary);
    }

    record StepResult(long sent, long sendingNanos, long received, long expected, double worstLoss, double p50, double p99,
            int samples, long decryptFailures, long loopCpuNanos, long wallNanos, long loopAllocated,
            long receiverCpuNanos, double loadAverage, long bufferDrops, String profile, long[][] perLoop,
            String served) {

        double loss() {
            return expected == 0 ? 0 : 1.0 - (double) received / expected;
        }

        String row(int consumers) {
            long forwarded = Math.max(1, received);
            return String.format("| %d | %.0f | %.3f%% | %.3f%% | %.0f / %.0f (n=%d) | %.0f%% | %.2f | %.0f | %.0f%% | %.2f | %d |",
                    consumers, received / (sendingNanos / 1e9), loss() * 100, worstLoss * 100, p50, p99, samples,
                    100.0 * loopCpuNanos / wallNanos, loopCpuNanos / 1e3 / forwarded,
                    (double) loopAllocated / forwarded, 100.0 * receiverCpuNanos / wallNanos, loadAverage, bufferDrops);
        }
    }

    /**
     * Datagrams the kernel dropped because a receive buffer was full (all sockets of the machine,
     * /proc/net/snmp "Udp: RcvbufErrors"): tells receiver overflow from the worker falling behind.
     */
    private static long udpReceiveBufferErrors() throws java.io.IOException {
        List<String> lines = Files.readAllLines(Path.of("/proc/net/snmp")).stream()
                .filter(line -> line.startsWith("Udp:")).toList();
        List<String> names = List.of(lines.get(0).split("\\s+"));
        return Long.parseLong(lines.get(1).split("\\s+")[names.indexOf("RcvbufErrors")]);
    }

    private static void printMachine() throws Exception {
        System.out.println(BenchMachine.describe());
        System.out.printf("net.core.rmem_max=%s, rmem_default=%s; load average %.2f%n",
                Files.readAllLines(Path.of("/proc/sys/net/core/rmem_max")).get(0),
                Files.readAllLines(Path.of("/proc/sys/net/core/rmem_default")).get(0),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
}
