package io.sluice.worker.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.sluice.api.v1.ConsumerGetStatsRequest;
import io.sluice.api.v1.ConsumerGetStatsResponse;
import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.PipeTransportDumpRequest;
import io.sluice.api.v1.PipeTransportDumpResponse;
import io.sluice.api.v1.PlainTransportInfo;
import io.sluice.api.v1.ProducerGetStatsRequest;
import io.sluice.api.v1.ProducerGetStatsResponse;
import io.sluice.api.v1.RouterPipeToRouterRequest;
import io.sluice.api.v1.RouterPipeToRouterResponse;
import io.sluice.api.v1.RtpStreamStats;
import io.sluice.api.v1.SrtpCryptoSuite;
import io.sluice.api.v1.TransportGetStatsRequest;
import io.sluice.api.v1.TransportGetStatsResponse;
import io.sluice.api.v1.WorkerDumpRequest;
import io.sluice.worker.WorkerMain;
import io.sluice.worker.testsupport.ExternalTool;
import io.sluice.worker.testsupport.ManagedProcess;
import io.sluice.worker.testsupport.NamespaceTcpRelay;
import io.sluice.worker.testsupport.Patience;
import io.sluice.worker.testsupport.TwoHosts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * router.pipeToRouter between two hosts of the test's own: two network namespaces joined by a
 * veth pair (10.213.0.1 and 10.213.0.2), nats-server and redis-server on host a's address, a
 * worker process on each host. ffmpeg sends VP8 into a router of the worker on host a; the
 * producer is piped over SRTP (AEAD AES-256 GCM) with RTX to a router of the worker on host b,
 * where iptables drops 5% of what arrives at the pipe's port ({@code -m statistic --mode random},
 * in INPUT: lost on the way, not refused to the sender); an ffmpeg on host b decodes a consumer
 * of it, and the pipe producer's NACKs and the RTX that answers them repair the loss. Needs root
 * (namespaces, veth, iptables): scripts/test runs it in its root pass (tag {@code netns}); it is
 * skipped otherwise.
 */
@Tag("netns")
class PipeAcrossHostsTest {

    private static final int VIDEO_SSRC = 0x71727374;
    private static final String LOSS = "0.05";

    private static Path dir;
    private static TwoHosts hosts;
    private static final List<ManagedProcess> processes = new ArrayList<>();
    private static NamespaceTcpRelay natsRelay;
    private static Connection connection;
    private static ControlClient client;
    private static String workerA;
    private static String workerB;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(TwoHosts.canCreate(), "PipeAcrossHostsTest needs root to make network namespaces, "
                + "a veth pair and iptables rules: run it as scripts/test does, in its root pass");
        Path natsServer = ExternalTool.require("nats-server", "nats-server");
        Path redisServer = ExternalTool.require("redis-server", "redis-server");
        ExternalTool.require("iptables", "iptables");
        dir = Files.createTempDirectory("pipe-hosts");
        hosts = TwoHosts.create();
        started(hosts.execA(), List.of(natsServer.toString(), "-a", TwoHosts.ADDRESS_A, "-p", "4222"), Map.of(),
                "nats-server");
        started(hosts.execA(), List.of(redisServer.toString(), "--bind", TwoHosts.ADDRESS_A, "--port", "6379",
                "--save", "", "--appendonly", "no", "--protected-mode", "no"), Map.of(), "redis-server");
        natsRelay = new NamespaceTcpRelay(hosts.execA(), TwoHosts.ADDRESS_A, 4222);
        connection = await().atMost(Patience.WAIT).ignoreExceptions()
                .until(() -> Nats.connect("nats://127.0.0.1:" + natsRelay.localPort()), c -> c != null);
        client = new ControlClient(connection, Patience.WAIT);
        workerA = worker(hosts.execA(), "host-a", TwoHosts.ADDRESS_A);
        workerB = worker(hosts.execB(), "host-b", TwoHosts.ADDRESS_B);
    }

    private static ManagedProcess started(List<String> prefix, List<String> command, Map<String, String> environment,
            String name) {
        List<String> full = new ArrayList<>(prefix);
        full.addAll(command);
        ManagedProcess process = new ManagedProcess(full, environment, dir.resolve(name + ".log")).start();
        processes.add(process);
        return process;
    }

    /** A worker process of one loop on a host, its RTC and pipe sockets on the host's address; its worker id. */
    private static String worker(List<String> prefix, String name, String address) throws Exception {
        started(prefix, List.of(ProcessHandle.current().info().command().orElseThrow(),
                "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
                WorkerMain.class.getName()), Map.of(
                        "NATS_URL", "nats://" + TwoHosts.ADDRESS_A + ":4222",
                        "REDIS_URL", "redis://" + TwoHosts.ADDRESS_A + ":6379",
                        "WORKERS", "1", "WORKER_ID", name, "LISTEN_IP", address, "METRICS_PORT", "9464",
                        "RTC_MIN_PORT", "40000", "RTC_MAX_PORT", "40999"), name);
        String workerId = name + "-0";
        await().atMost(Patience.WAIT).ignoreExceptions().until(() -> !client.call(workerId, "worker.dump",
                WorkerDumpRequest.getDefaultInstance()).isError());
        return workerId;
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (connection != null) {
                connection.close();
            }
            if (natsRelay != null) {
                natsRelay.close();
            }
            processes.reversed().forEach(ManagedProcess::stop);
        } finally {
            if (hosts != null) {
                hosts.close();
            }
        }
    }

    @Test
    void vp8CrossesAnSrtpPipeBetweenTwoHostsAndRtxRepairsWhatThePipeLost() throws Exception {
        PipedMedia media = new PipedMedia(client, dir, processes);
        String routerA = PipedMedia.createRouter(client, workerA, "hosts-a");
        String routerB = PipedMedia.createRouter(client, workerB, "hosts-b");
        PlainTransportInfo sending = media.sendingTransport(workerA, routerA);
        String producerId = media.produce(workerA, sending.getId(), MediaKind.VIDEO, VIDEO_SSRC);

        RouterPipeToRouterResponse piped = client.call(workerA, "router.pipeToRouter",
                RouterPipeToRouterRequest.newBuilder().setRouterId(routerA).setProducerId(producerId)
                        .setTargetWorkerId(workerB).setTargetRouterId(routerB)
                        .setEnableSrtp(true).setEnableRtx(true).build())
                .as(RouterPipeToRouterResponse.parser());
        PipeTransportDumpResponse target = client.call(workerB, "pipeTransport.dump",
                PipeTransportDumpRequest.newBuilder().setTransportId(piped.getTargetTransportId()).build())
                .as(PipeTransportDumpResponse.parser());
        assertThat(target.getTransport().getTuple().getLocalAddress()).isEqualTo(TwoHosts.ADDRESS_B);
        assertThat(target.getTransport().getTuple().getRemoteAddress()).isEqualTo(TwoHosts.ADDRESS_A);
        assertThat(target.getTransport().getSrtpParameters().getCryptoSuite())
                .isEqualTo(SrtpCryptoSuite.AEAD_AES_256_GCM);
        int pipePort = target.getTransport().getTuple().getLocalPort();
        hosts.runInB("iptables", "-A", "INPUT", "-p", "udp", "-s", TwoHosts.ADDRESS_A, "--dport",
                Integer.toString(pipePort), "-m", "statistic", "--mode", "random", "--probability", LOSS, "-j", "DROP");

        PipedMedia.Receiver receiver = media.receiver(workerB, routerB, producerId);
        PipedMedia.Decoding frames = media.runningUnder(hosts.execB()).decodeVideo(receiver, 60);
        media.runningUnder(hosts.execA()).sendVideo(VIDEO_SSRC, sending.getTuple().getLocalPort(), 90);

        PipedMedia.awaitDecoded(frames, 60);
        await().atMost(Patience.WAIT).until(() -> inbound(workerB, producerId).getPacketsRepaired() > 10);
        RtpStreamStats repaired = inbound(workerB, producerId);
        assertThat(repaired.getNackCount()).as("NACKs sent from host b across the pipe").isPositive();
        assertThat(repaired.getPacketsRetransmitted()).as("RTX received on host b").isPositive();
        RtpStreamStats resent = client.call(workerA, "consumer.getStats", ConsumerGetStatsRequest.newBuilder()
                .setConsumerId(piped.getPipeConsumerId()).build()).as(ConsumerGetStatsResponse.parser())
                .getStats().getStreams(0);
        assertThat(resent.getPacketsRetransmitted()).as("the pipe consumer's RTX resends on host a").isPositive();
        TransportGetStatsResponse pipeStats = client.call(workerB, "transport.getStats",
                TransportGetStatsRequest.newBuilder().setTransportId(piped.getTargetTransportId()).build())
                .as(TransportGetStatsResponse.parser());
        assertThat(pipeStats.getStats().getDroppedPacketsMap())
                .doesNotContainKeys("srtp_failed", "srtp_auth_failed", "unknown_ssrc", "unknown_tuple");
        // The consumer on host b saw the stream whole: what the pipe lost came back before it was forwarded.
        RtpStreamStats delivered = client.call(workerB, "consumer.getStats", ConsumerGetStatsRequest.newBuilder()
                .setConsumerId(receiver.consumer().getConsumerId()).build()).as(ConsumerGetStatsResponse.parser())
                .getStats().getStreams(0);
        assertThat(delivered.getPacketCount()).isPositive();
    }

    private static RtpStreamStats inbound(String workerId, String producerId) throws InterruptedException {
        return client.call(workerId, "producer.getStats", ProducerGetStatsRequest.newBuilder()
                .setProducerId(producerId).build()).as(ProducerGetStatsResponse.parser()).getStats().getStreams(0);
    }
}
