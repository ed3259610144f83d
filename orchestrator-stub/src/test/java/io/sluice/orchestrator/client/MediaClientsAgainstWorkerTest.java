package io.sluice.orchestrator.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.sluice.api.json.RtpJson;
import io.sluice.api.v1.DtlsState;
import io.sluice.api.v1.ErrorCode;
import io.sluice.api.v1.IceState;
import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.RouterCreateWebRtcTransportRequest;
import io.sluice.orchestrator.OrchestratorMain;
import io.sluice.worker.WorkerProcess;
import io.sluice.worker.config.WorkerConfig;
import io.sluice.worker.testsupport.NatsServerProcess;
import io.sluice.worker.testsupport.RedisServerProcess;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** TransportClient, ProducerClient and ConsumerClient against a real in-process worker. */
class MediaClientsAgainstWorkerTest {

    private static final String VP8_PARAMETERS = """
            {"mid":"0","codecs":[{"mimeType":"video/VP8","payloadType":96,"clockRate":90000,
              "rtcpFeedback":[{"type":"nack","parameter":"pli"}]}],
             "headerExtensions":[],"encodings":[{"ssrc":22223333}],"rtcp":{"cname":"clients"}}""";
    private static final String VP8_RECEIVER = """
            {"codecs":[{"kind":"video","mimeType":"video/VP8","preferredPayloadType":100,"clockRate":90000,
              "rtcpFeedback":[{"type":"nack","parameter":"pli"}]}],"headerExtensions":[]}""";

    private static NatsServerProcess natsServer;
    private static RedisServerProcess redisServer;
    private static WorkerProcess worker;
    private static Connection nats;
    private static WorkerClient workerClient;

    @BeforeAll
    static void start() throws Exception {
        natsServer = NatsServerProcess.start();
        redisServer = RedisServerProcess.start();
        worker = WorkerProcess.start(WorkerConfig.fromEnvironment(Map.of("NATS_URL", natsServer.url(),
                "REDIS_URL", redisServer.url(), "WORKERS", "1", "WORKER_ID", "clients", "LISTEN_IP", "127.0.0.1")));
        nats = Nats.connect(natsServer.url());
        workerClient = new WorkerClient(new SluiceRequester(nats), worker.workerIds().get(0));
    }

    @AfterAll
    static void stop() throws Exception {
        if (nats != null) {
            nats.close();
        }
        if (worker != null) {
            worker.close();
        }
        if (redisServer != null) {
            redisServer.close();
        }
        if (natsServer != null) {
            natsServer.close();
        }
    }

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(30, TimeUnit.SECONDS);
    }

    @Test
    void aProducerIsConsumedPausedResumedAndClosedThroughTheTypedClients() throws Exception {
        RouterClient router = await(workerClient.createRouter(OrchestratorMain.DEFAULT_MEDIA_CODECS, "clients", null));
        TransportClient sending = await(router.createWebRtcTransport(
                RouterCreateWebRtcTransportRequest.newBuilder().setUserId("alice").build(), null));
        TransportClient receiving = await(router.createWebRtcTransport(
                RouterCreateWebRtcTransportRequest.newBuilder().setUserId("bob").build(), null));
        assertThat(sending.routerId()).isEqualTo(router.id());
        assertThat(sending.createdInfo().getIceCandidatesList()).isNotEmpty();
        assertThat(await(sending.getStats()).getIceState()).isEqualTo(IceState.ICE_NEW);
        assertThat(await(sending.getStats()).getDtlsState()).isEqualTo(DtlsState.DTLS_NEW);

        ProducerClient producer = await(sending.produce(MediaKind.VIDEO, RtpJson.readParameters(VP8_PARAMETERS), null));
        assertThat(producer.kind()).isEqualTo(MediaKind.VIDEO);
        assertThat(await(producer.dump()).getTransportId()).isEqualTo(sending.id());
        assertThat(await(producer.getStats()).getPacketsReceived()).isZero();
        await(producer.pause());
        assertThat(await(producer.dump()).getPaused()).isTrue();
        await(producer.resume());
        assertThat(await(producer.dump()).getPaused()).isFalse();

        ConsumerClient consumer = await(receiving.consume(producer.id(), RtpJson.readCapabilities(VP8_RECEIVER),
                true, null));
        assertThat(consumer.producerId()).isEqualTo(producer.id());
        assertThat(consumer.kind()).isEqualTo(MediaKind.VIDEO);
        // As mediasoup: the consumer keeps the router's payload type, whatever the receiver prefers.
        int routerVp8 = router.createdRtpCapabilities().orElseThrow().getCodecsList().stream()
                .filter(codec -> codec.getMimeType().equals("video/VP8")).findFirst().orElseThrow()
                .getPreferredPayloadType();
        assertThat(consumer.rtpParameters().getCodecs(0).getPayloadType()).isEqualTo(routerVp8);
        assertThat(await(consumer.dump()).getPaused()).isTrue();
        await(consumer.resume());
        assertThat(await(consumer.dump()).getPaused()).isFalse();
        await(consumer.requestKeyFrame());
        assertThat(await(consumer.getStats()).getPacketsSent()).isZero();
        await(consumer.pause());
        assertThat(await(consumer.dump()).getPaused()).isTrue();

        await(producer.close());
        assertNotFound(consumer.dump());
        assertNotFound(producer.dump());

        await(sending.close());
        assertNotFound(sending.getStats());
        await(receiving.close());
        await(router.close());
    }

    private static void assertNotFound(CompletableFuture<?> request) {
        assertThatThrownBy(() -> await(request)).isInstanceOf(ExecutionException.class).cause()
                .isInstanceOfSatisfying(SluiceRequestException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }
}
