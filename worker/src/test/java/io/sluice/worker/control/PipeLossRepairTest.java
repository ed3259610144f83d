package io.sluice.worker.control;

import static io.sluice.worker.control.LoopbackUdp.isRtcp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.api.v1.ConsumerGetStatsRequest;
import io.sluice.api.v1.ConsumerGetStatsResponse;
import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.PipeTransportConnectRequest;
import io.sluice.api.v1.PipeTransportConnectResponse;
import io.sluice.api.v1.PipeTransportConsumeRequest;
import io.sluice.api.v1.PipeTransportInfo;
import io.sluice.api.v1.PipeTransportProduceRequest;
import io.sluice.api.v1.PlainTransportInfo;
import io.sluice.api.v1.ProducerGetStatsResponse;
import io.sluice.api.v1.RouterCreatePipeTransportRequest;
import io.sluice.api.v1.RouterCreatePipeTransportResponse;
import io.sluice.api.v1.RtpStreamStats;
import io.sluice.api.v1.TransportConsumeResponse;
import io.sluice.api.v1.TransportListenInfo;
import io.sluice.api.v1.TransportProduceResponse;
import io.sluice.worker.testsupport.ManagedProcess;
import io.sluice.worker.testsupport.Patience;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NACK and RTX across a UDP pipe that loses packets, wired by hand with the low-level methods as
 * a backend without router.pipeToRouter would: a pipe transport on router A (loop 0) and one on
 * router B (loop 1), each connected to its side of a Java relay that drops 5% of the RTP going
 * from A to B; ffmpeg sends VP8 into A; the pipe consumer on A and the pipe producer on B (same
 * id) have RTX. B's pipe producer NACKs what the relay dropped, A's pipe consumer resends it as
 * RTX, and B's producer restores it, and a consumer on B decodes.
 */
class PipeLossRepairTest {

    private static final int VIDEO_SSRC = 0x61626364;
    private static final double LOSS = 0.05;

    private static RunningWorker process;
    private static ControlClient client;
    private static String workerA;
    private static String workerB;
    private final LoopbackUdp udp = new LoopbackUdp();
    private final List<ManagedProcess> ffmpegs = new ArrayList<>();

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        process = RunningWorker.startLoops("pipe-loss", 47_500, 2);
        client = process.client;
        workerA = process.process.workerIds().get(0);
        workerB = process.process.workerIds().get(1);
    }

    @AfterAll
    static void stop() throws Exception {
        process.close();
    }

    @AfterEach
    void stopEverything() throws InterruptedException {
        ffmpegs.forEach(ManagedProcess::stop);
        udp.close();
    }

    private static PipeTransportInfo pipeTransport(String workerId, String routerId) throws InterruptedException {
        return client.call(workerId, "router.createPipeTransport", RouterCreatePipeTransportRequest.newBuilder()
                .setRouterId(routerId).setListenInfo(TransportListenInfo.newBuilder().setIp("127.0.0.1"))
                .setEnableRtx(true).build()).as(RouterCreatePipeTransportResponse.parser()).getTransport();
    }

    private static void connect(String workerId, PipeTransportInfo transport, DatagramSocket to)
            throws InterruptedException {
        client.call(workerId, "pipeTransport.connect", PipeTransportConnectRequest.newBuilder()
                .setTransportId(transport.getId()).setIp("127.0.0.1").setPort(to.getLocalPort()).build())
                .as(PipeTransportConnectResponse.parser());
    }

    @Test
    void rtxAcrossThePipeRepairsWhatThePipeLost() throws Exception {
        PipedMedia media = new PipedMedia(client, dir, ffmpegs);
        String routerA = PipedMedia.createRouter(client, workerA, "loss-a");
        String routerB = PipedMedia.createRouter(client, workerB, "loss-b");
        PlainTransportInfo sending = media.sendingTransport(workerA, routerA);
        String producerId = media.produce(workerA, sending.getId(), MediaKind.VIDEO, VIDEO_SSRC);

        PipeTransportInfo pipeA = pipeTransport(workerA, routerA);
        PipeTransportInfo pipeB = pipeTransport(workerB, routerB);
        DatagramSocket facingA = udp.socket();
        DatagramSocket facingB = udp.socket();
        InetSocketAddress toA = new InetSocketAddress("127.0.0.1", pipeA.getTuple().getLocalPort());
        InetSocketAddress toB = new InetSocketAddress("127.0.0.1", pipeB.getTuple().getLocalPort());
        SplittableRandom random = new SplittableRandom(7);
        AtomicLong dropped = new AtomicLong();
        udp.onDatagrams("a-to-b", facingA, (datagram, from) -> {
            if (!isRtcp(datagram) && random.nextDouble() < LOSS) {
                dropped.incrementAndGet();
                return;
            }
            facingB.send(new DatagramPacket(datagram, datagram.length, toB));
        });
        udp.onDatagrams("b-to-a", facingB, (datagram, from) ->
                facingA.send(new DatagramPacket(datagram, datagram.length, toA)));
        connect(workerA, pipeA, facingA);
        connect(workerB, pipeB, facingB);

        TransportConsumeResponse pipeConsumer = client.call(workerA, "pipeTransport.consume",
                PipeTransportConsumeRequest.newBuilder().setTransportId(pipeA.getId()).setProducerId(producerId)
                        .build()).as(TransportConsumeResponse.parser());
        assertThat(pipeConsumer.getType()).isEqualTo("pipe");
        assertThat(pipeConsumer.getRtpParameters().getEncodings(0).hasRtx()).isTrue();
        TransportProduceResponse pipeProducer = client.call(workerB, "pipeTransport.produce",
                PipeTransportProduceRequest.newBuilder().setTransportId(pipeB.getId()).setProducerId(producerId)
                        .setKind(pipeConsumer.getKind()).setRtpParameters(pipeConsumer.getRtpParameters()).build())
                .as(TransportProduceResponse.parser());
        assertThat(pipeProducer.getProducerId()).isEqualTo(producerId);

        PipedMedia.Receiver receiver = media.receiver(workerB, routerB, producerId);
        PipedMedia.Decoding frames = media.decodeVideo(receiver, 40);
        media.sendVideo(VIDEO_SSRC, sending.getTuple().getLocalPort(), 60);

        PipedMedia.awaitDecoded(frames, 40);
        await().atMost(Patience.WAIT).until(() -> inbound(process.producerStatsOn(workerB, producerId))
                .getPacketsRepaired() > 10);
        RtpStreamStats repaired = inbound(process.producerStatsOn(workerB, producerId));
        assertThat(dropped.get()).isPositive();
        assertThat(repaired.getNackCount()).as("NACKs sent across the pipe").isPositive();
        assertThat(repaired.getPacketsRetransmitted()).as("RTX received across the pipe").isPositive();
        RtpStreamStats resent = client.call(workerA, "consumer.getStats", ConsumerGetStatsRequest.newBuilder()
                .setConsumerId(pipeConsumer.getConsumerId()).build()).as(ConsumerGetStatsResponse.parser())
                .getStats().getStreams(0);
        assertThat(resent.getPacketsRetransmitted()).as("the pipe consumer's RTX resends").isPositive();
    }

    private static RtpStreamStats inbound(ProducerGetStatsResponse stats) {
        return stats.getStats().getStreams(0);
    }
}
