package io.sluice.worker.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.api.v1.ConsumerClosed;
import io.sluice.api.v1.ConsumerRequestKeyFrameRequest;
import io.sluice.api.v1.ErrorCode;
import io.sluice.api.v1.Event;
import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.PipeTransportDumpRequest;
import io.sluice.api.v1.PipeTransportDumpResponse;
import io.sluice.api.v1.PlainTransportInfo;
import io.sluice.api.v1.ProducerCloseRequest;
import io.sluice.api.v1.ProducerDumpRequest;
import io.sluice.api.v1.ProducerDumpResponse;
import io.sluice.api.v1.ProducerPauseRequest;
import io.sluice.api.v1.ProducerResumeRequest;
import io.sluice.api.v1.RouterDumpRequest;
import io.sluice.api.v1.RouterDumpResponse;
import io.sluice.api.v1.RouterPipeToRouterRequest;
import io.sluice.api.v1.RouterPipeToRouterResponse;
import io.sluice.api.v1.TransportCloseRequest;
import io.sluice.api.v1.TransportClosed;
import io.sluice.api.v1.TransportConsumeResponse;
import io.sluice.api.v1.TransportGetStatsRequest;
import io.sluice.api.v1.TransportGetStatsResponse;
import io.sluice.api.v1.WorkerDumpRequest;
import io.sluice.api.v1.WorkerDumpResponse;
import io.sluice.worker.testsupport.ManagedProcess;
import io.sluice.worker.testsupport.Patience;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * router.pipeToRouter between two workers (two event loops) of one real worker process over
 * NATS: real ffmpeg sends VP8 or Opus into router A on loop 0, the producer is piped to router B
 * on loop 1, and a second ffmpeg decodes what a consumer on B sends. Pause, resume and close of
 * the producer are mirrored to B, a key-frame request on B reaches A's producer, piping again or
 * back answers the existing pipe, and bad input gets typed errors with nothing left on either
 * worker. Two routers of one loop are piped the same way, in memory.
 */
class PipeToRouterControlTest {

    private static final Duration WAIT = Patience.WAIT;
    private static final int VIDEO_SSRC = 0x31323334;
    private static final int AUDIO_SSRC = 0x41424344;

    private static RunningWorker process;
    private static ControlClient client;
    private static String workerA;
    private static String workerB;
    private final List<ManagedProcess> ffmpegs = new ArrayList<>();

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        process = RunningWorker.startLoops("pipe", 48_000, 2, "sluice.event.>");
        client = process.client;
        workerA = process.process.workerIds().get(0);
        workerB = process.process.workerIds().get(1);
    }

    @AfterAll
    static void stop() throws Exception {
        process.close();
    }

    @AfterEach
    void stopFfmpeg() {
        ffmpegs.forEach(ManagedProcess::stop);
    }

    private PipedMedia media() {
        return new PipedMedia(client, dir, ffmpegs);
    }

    private static RouterPipeToRouterResponse pipe(String routerId, String producerId, String targetWorker,
            String targetRouter) throws InterruptedException {
        return pipeReply(routerId, producerId, targetWorker, targetRouter).as(RouterPipeToRouterResponse.parser());
    }

    private static ControlClient.Reply pipeReply(String routerId, String producerId, String targetWorker,
            String targetRouter) throws InterruptedException {
        return client.call(workerA, "router.pipeToRouter", RouterPipeToRouterRequest.newBuilder()
                .setRouterId(routerId).setProducerId(producerId)
                .setTargetWorkerId(targetWorker).setTargetRouterId(targetRouter).build());
    }

    private static RouterDumpResponse routerDump(String workerId, String routerId) throws InterruptedException {
        return client.call(workerId, "router.dump", RouterDumpRequest.newBuilder().setRouterId(routerId).build())
                .as(RouterDumpResponse.parser());
    }

    private static List<Event> eventsOf(String routerId) {
        return process.events.stream().filter(e -> e.getRouterId().equals(routerId)).toList();
    }

    @Test
    void vp8PipedToARouterOnAnotherLoopIsDecodedThere() throws Exception {
        PipedMedia media = media();
        String routerA = PipedMedia.createRouter(client, workerA, "pipe-a");
        String routerB = PipedMedia.createRouter(client, workerB, "pipe-b");
        PlainTransportInfo sending = media.sendingTransport(workerA, routerA);
        String producerId = media.produce(workerA, sending.getId(), MediaKind.VIDEO, VIDEO_SSRC);

        RouterPipeToRouterResponse piped = pipe(routerA, producerId, workerB, routerB);
        assertThat(piped.getPipeProducerId()).isEqualTo(producerId);
        assertThat(piped.getExisting()).isFalse();
        assertThat(routerDump(workerB, routerB).getProducerIdsList()).containsExactly(producerId);

        PipedMedia.Receiver receiver = media.receiver(workerB, routerB, producerId);
        PipedMedia.Decoding frames = media.decodeVideo(receiver, 20);
        media.sendVideo(VIDEO_SSRC, sending.getTuple().getLocalPort(), 60);

        PipedMedia.awaitDecoded(frames, 20);
        TransportGetStatsResponse pipeStats = client.call(workerB, "transport.getStats",
                TransportGetStatsRequest.newBuilder().setTransportId(piped.getTargetTransportId()).build())
                .as(TransportGetStatsResponse.parser());
        assertThat(pipeStats.getStats().getType()).isEqualTo("pipe");
        assertThat(pipeStats.getStats().getPacketsReceived()).isPositive();
        assertThat(pipeStats.getStats().getDroppedPacketsMap()).doesNotContainKeys("unknown_ssrc", "srtp_failed");
    }

    @Test
    void opusPipedToARouterOnAnotherLoopIsDecodedThere() throws Exception {
        PipedMedia media = media();
        String routerA = PipedMedia.createRouter(client, workerA, "pipe-a");
        String routerB = PipedMedia.createRouter(client, workerB, "pipe-b");
        PlainTransportInfo sending = media.sendingTransport(workerA, routerA);
        String producerId = media.produce(workerA, sending.getId(), MediaKind.AUDIO, AUDIO_SSRC);
        pipe(routerA, producerId, workerB, routerB);

        PipedMedia.Receiver receiver = media.receiver(workerB, routerB, producerId);
        PipedMedia.Decoding wav = media.decodeAudio(receiver, 50);
        media.sendAudio(AUDIO_SSRC, sending.getTuple().getLocalPort(), 60);

        PipedMedia.awaitDecodedAudio(wav);
    }

    @Test
    void pauseResumeCloseAndKeyFrameRequestsCrossThePipe() throws Exception {
        PipedMedia media = media();
        String routerA = PipedMedia.createRouter(client, workerA, "pipe-a");
        String routerB = PipedMedia.createRouter(client, workerB, "pipe-b");
        PlainTransportInfo sending = media.sendingTransport(workerA, routerA);
        String producerId = media.produce(workerA, sending.getId(), MediaKind.VIDEO, VIDEO_SSRC);
        pipe(routerA, producerId, workerB, routerB);
        PipedMedia.Receiver receiver = media.receiver(workerB, routerB, producerId);
        TransportConsumeResponse consumer = receiver.consumer();
        media.sendVideo(VIDEO_SSRC, sending.getTuple().getLocalPort(), 120);
        await().atMost(WAIT).until(() -> PipedMedia.consumerPacketsSent(client, workerB, consumer.getConsumerId()) > 20);

        client.call(workerA, "producer.pause", ProducerPauseRequest.newBuilder().setProducerId(producerId).build());
        await().atMost(WAIT).until(() -> eventsOf(routerB).stream().anyMatch(Event::hasConsumerProducerPaused));
        assertThat(producerDump(workerB, producerId).getPaused()).isTrue();
        client.call(workerA, "producer.resume", ProducerResumeRequest.newBuilder().setProducerId(producerId).build());
        await().atMost(WAIT).until(() -> eventsOf(routerB).stream().anyMatch(Event::hasConsumerProducerResumed));
        assertThat(producerDump(workerB, producerId).getPaused()).isFalse();

        // The key-frame requests of the resume have passed their one-second throttle before this one.
        long before = process.producerStatsOn(workerA, producerId).getStats().getKeyFrameRequestsSent();
        await().pollDelay(Duration.ofMillis(1500)).atMost(WAIT).until(() -> true);
        long settled = process.producerStatsOn(workerA, producerId).getStats().getKeyFrameRequestsSent();
        assertThat(settled).isGreaterThanOrEqualTo(before);
        client.call(workerB, "consumer.requestKeyFrame", ConsumerRequestKeyFrameRequest.newBuilder()
                .setConsumerId(consumer.getConsumerId()).build());
        await().atMost(WAIT).until(() ->
                process.producerStatsOn(workerA, producerId).getStats().getKeyFrameRequestsSent() > settled);

        client.call(workerA, "producer.close", ProducerCloseRequest.newBuilder().setProducerId(producerId).build());
        await().atMost(WAIT).until(() -> eventsOf(routerB).stream().anyMatch(Event::hasConsumerClosed));
        List<Event> closing = eventsOf(routerB).stream()
                .filter(e -> e.hasConsumerProducerClosed() || e.hasConsumerClosed()).toList();
        assertThat(closing).first().matches(Event::hasConsumerProducerClosed);
        assertThat(closing).last().extracting(e -> e.getConsumerClosed().getReason())
                .isEqualTo(ConsumerClosed.Reason.PRODUCER_CLOSED);
        assertThat(routerDump(workerB, routerB).getProducerIdsList()).isEmpty();
    }

    @Test
    void closingOnePipeTransportClosesItsPeerWithAReason() throws Exception {
        PipedMedia media = media();
        String routerA = PipedMedia.createRouter(client, workerA, "pipe-a");
        String routerB = PipedMedia.createRouter(client, workerB, "pipe-b");
        PlainTransportInfo sending = media.sendingTransport(workerA, routerA);
        String producerId = media.produce(workerA, sending.getId(), MediaKind.VIDEO, VIDEO_SSRC);
        RouterPipeToRouterResponse piped = pipe(routerA, producerId, workerB, routerB);
        PipeTransportDumpResponse target = client.call(workerB, "pipeTransport.dump",
                PipeTransportDumpRequest.newBuilder().setTransportId(piped.getTargetTransportId()).build())
                .as(PipeTransportDumpResponse.parser());
        assertThat(target.getPeer().getWorkerId()).isEqualTo(workerA);
        assertThat(target.getPeer().getTransportId()).isEqualTo(piped.getLocalTransportId());
        assertThat(target.getTransport().getInProcess()).as("another loop of the process: no socket").isTrue();
        assertThat(target.getTransport().getTuple().getLocalPort()).isZero();
        assertThat(target.getProducerIdsList()).containsExactly(producerId);

        client.call(workerB, "transport.close", TransportCloseRequest.newBuilder()
                .setTransportId(piped.getTargetTransportId()).build());

        await().atMost(WAIT).until(() -> eventsOf(routerA).stream().anyMatch(Event::hasTransportClosed));
        assertThat(eventsOf(routerA).stream().filter(Event::hasTransportClosed).findFirst().orElseThrow()
                .getTransportClosed().getReason()).isEqualTo(TransportClosed.Reason.PIPE_PEER_CLOSED);
        assertThat(routerDump(workerA, routerA).getTransportIdsList()).containsExactly(sending.getId());
        assertThat(routerDump(workerA, routerA).getConsumerIdsList()).isEmpty();
        // The pair is gone: piping again makes a new one.
        RouterPipeToRouterResponse again = pipe(routerA, producerId, workerB, routerB);
        assertThat(again.getExisting()).isFalse();
        assertThat(again.getLocalTransportId()).isNotEqualTo(piped.getLocalTransportId());
    }

    @Test
    void pipingAgainAnswersTheExistingPipeAndPipingBackNeverClashes() throws Exception {
        PipedMedia media = media();
        String routerA = PipedMedia.createRouter(client, workerA, "pipe-a");
        String routerB = PipedMedia.createRouter(client, workerB, "pipe-b");
        PlainTransportInfo sending = media.sendingTransport(workerA, routerA);
        String video = media.produce(workerA, sending.getId(), MediaKind.VIDEO, VIDEO_SSRC);
        String audio = media.produce(workerA, sending.getId(), MediaKind.AUDIO, AUDIO_SSRC);

        RouterPipeToRouterResponse first = pipe(routerA, video, workerB, routerB);
        RouterPipeToRouterResponse again = pipe(routerA, video, workerB, routerB);
        assertThat(again.getExisting()).isTrue();
        assertThat(again.toBuilder().setExisting(false).build()).isEqualTo(first);
        RouterPipeToRouterResponse second = pipe(routerA, audio, workerB, routerB);
        assertThat(second.getLocalTransportId()).as("one pair of pipe transports per pair of routers")
                .isEqualTo(first.getLocalTransportId());

        RouterPipeToRouterResponse back = client.call(workerB, "router.pipeToRouter",
                RouterPipeToRouterRequest.newBuilder().setRouterId(routerB).setProducerId(video)
                        .setTargetWorkerId(workerA).setTargetRouterId(routerA).build())
                .as(RouterPipeToRouterResponse.parser());
        assertThat(back.getExisting()).isTrue();
        assertThat(back.getPipeProducerId()).isEqualTo(video);
        assertThat(routerDump(workerA, routerA).getTransportIdsList()).hasSize(2);
        assertThat(routerDump(workerB, routerB).getTransportIdsList()).hasSize(1);
        assertThat(routerDump(workerB, routerB).getProducerIdsList()).containsExactly(video, audio);
    }

    @Test
    void badInputGetsTypedErrorsAndLeavesNothingOnEitherWorker() throws Exception {
        PipedMedia media = media();
        String routerA = PipedMedia.createRouter(client, workerA, "pipe-a");
        String otherA = PipedMedia.createRouter(client, workerA, "pipe-a2");
        String routerB = PipedMedia.createRouter(client, workerB, "pipe-b");
        PlainTransportInfo sending = media.sendingTransport(workerA, routerA);
        String producerId = media.produce(workerA, sending.getId(), MediaKind.VIDEO, VIDEO_SSRC);
        long transportsA = workerDump(workerA).getLoad().getTransports();
        long transportsB = workerDump(workerB).getLoad().getTransports();

        ControlClient.Reply unknownWorker = pipeReply(routerA, producerId, "no-such-worker", routerB);
        assertThat(unknownWorker.code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(unknownWorker.error().getField()).isEqualTo("target_worker_id");
        ControlClient.Reply unknownRouter = pipeReply(routerA, producerId, workerB, "no-such-router");
        assertThat(unknownRouter.code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(unknownRouter.error().getField()).isEqualTo("target_router_id");
        ControlClient.Reply otherRouter = pipeReply(otherA, producerId, workerB, routerB);
        assertThat(otherRouter.code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(otherRouter.error().getField()).isEqualTo("producer_id");
        ControlClient.Reply ownRouter = pipeReply(routerA, producerId, workerA, routerA);
        assertThat(ownRouter.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(ownRouter.error().getField()).isEqualTo("target_router_id");
        client.call(workerA, "producer.close", ProducerCloseRequest.newBuilder().setProducerId(producerId).build());
        ControlClient.Reply closed = pipeReply(routerA, producerId, workerB, routerB);
        assertThat(closed.code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(closed.error().getField()).isEqualTo("producer_id");
        assertThat(pipeReply(routerA, producerId, workerB, "").error().getField()).isEqualTo("target_router_id");

        assertThat(workerDump(workerA).getLoad().getTransports()).isEqualTo(transportsA);
        assertThat(workerDump(workerB).getLoad().getTransports()).isEqualTo(transportsB);
        assertThat(routerDump(workerB, routerB).getTransportIdsList()).isEmpty();
        assertThat(routerDump(workerB, routerB).getProducerIdsList()).isEmpty();
        assertThat(routerDump(workerA, routerA).getConsumerIdsList()).isEmpty();
        assertThat(routerDump(workerA, otherA).getTransportIdsList()).isEmpty();
    }

    /**
     * Two routers of one worker (one loop), as mediasoup pipes them: the producer is consumable on
     * the second router under its own id, through a pair of in-memory pipe transports; piping
     * again answers the existing pipe, piping back answers the source; pause, resume and close of
     * the source reach the copy.
     */
    @Test
    void aRouterOfTheSameWorkerGetsTheProducerUnderItsOwnIdInMemory() throws Exception {
        PipedMedia media = media();
        String routerA = PipedMedia.createRouter(client, workerA, "pipe-same-1");
        String routerA2 = PipedMedia.createRouter(client, workerA, "pipe-same-2");
        PlainTransportInfo sending = media.sendingTransport(workerA, routerA);
        String producerId = media.produce(workerA, sending.getId(), MediaKind.VIDEO, VIDEO_SSRC);

        RouterPipeToRouterResponse piped = pipe(routerA, producerId, workerA, routerA2);
        assertThat(piped.getPipeProducerId()).isEqualTo(producerId);
        assertThat(piped.getExisting()).isFalse();
        assertThat(routerDump(workerA, routerA2).getProducerIdsList()).containsExactly(producerId);
        PipeTransportDumpResponse target = client.call(workerA, "pipeTransport.dump",
                PipeTransportDumpRequest.newBuilder().setTransportId(piped.getTargetTransportId()).build())
                .as(PipeTransportDumpResponse.parser());
        assertThat(target.getTransport().getInProcess()).isTrue();
        assertThat(target.getRouterId()).isEqualTo(routerA2);
        assertThat(pipe(routerA, producerId, workerA, routerA2).getExisting()).isTrue();
        RouterPipeToRouterResponse back = client.call(workerA, "router.pipeToRouter",
                RouterPipeToRouterRequest.newBuilder().setRouterId(routerA2).setProducerId(producerId)
                        .setTargetWorkerId(workerA).setTargetRouterId(routerA).build())
                .as(RouterPipeToRouterResponse.parser());
        assertThat(back.getExisting()).isTrue();
        assertThat(routerDump(workerA, routerA).getTransportIdsList()).hasSize(2);

        PipedMedia.Receiver receiver = media.receiver(workerA, routerA2, producerId);
        PipedMedia.Decoding frames = media.decodeVideo(receiver, 20);
        media.sendVideo(VIDEO_SSRC, sending.getTuple().getLocalPort(), 90);
        PipedMedia.awaitDecoded(frames, 20);

        client.call(workerA, "producer.pause", ProducerPauseRequest.newBuilder().setProducerId(producerId).build());
        await().atMost(WAIT).until(() -> eventsOf(routerA2).stream().anyMatch(Event::hasConsumerProducerPaused));
        client.call(workerA, "producer.resume", ProducerResumeRequest.newBuilder().setProducerId(producerId).build());
        await().atMost(WAIT).until(() -> eventsOf(routerA2).stream().anyMatch(Event::hasConsumerProducerResumed));

        client.call(workerA, "producer.close", ProducerCloseRequest.newBuilder().setProducerId(producerId).build());
        await().atMost(WAIT).until(() -> eventsOf(routerA2).stream().anyMatch(e -> e.hasConsumerClosed()
                && e.getConsumerClosed().getReason() == ConsumerClosed.Reason.PRODUCER_CLOSED));
        await().atMost(WAIT).until(() -> routerDump(workerA, routerA2).getProducerIdsList().isEmpty());
        assertThat(routerDump(workerA, routerA).getConsumerIdsList()).isEmpty();
        assertThat(producerDumpReply(workerA, producerId).code()).isEqualTo(ErrorCode.NOT_FOUND);
    }

    private static ControlClient.Reply producerDumpReply(String workerId, String producerId)
            throws InterruptedException {
        return client.call(workerId, "producer.dump", ProducerDumpRequest.newBuilder().setProducerId(producerId)
                .build());
    }

    private static ProducerDumpResponse producerDump(String workerId, String producerId) throws InterruptedException {
        return client.call(workerId, "producer.dump", ProducerDumpRequest.newBuilder().setProducerId(producerId)
                .build()).as(ProducerDumpResponse.parser());
    }

    private static WorkerDumpResponse workerDump(String workerId) throws InterruptedException {
        return client.call(workerId, "worker.dump", WorkerDumpRequest.getDefaultInstance())
                .as(WorkerDumpResponse.parser());
    }
}
