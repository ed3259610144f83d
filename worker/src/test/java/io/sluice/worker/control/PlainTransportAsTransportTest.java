package io.sluice.worker.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.sluice.api.v1.ConsumerDumpRequest;
import io.sluice.api.v1.ConsumerDumpResponse;
import io.sluice.api.v1.ConsumerSetPriorityRequest;
import io.sluice.api.v1.ConsumerSetPriorityResponse;
import io.sluice.api.v1.ErrorCode;
import io.sluice.api.v1.Event;
import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.PlainTransportInfo;
import io.sluice.api.v1.RouterCreatePlainTransportRequest;
import io.sluice.api.v1.RouterCreatePlainTransportResponse;
import io.sluice.api.v1.RtcpParameters;
import io.sluice.api.v1.RtpCodecParameters;
import io.sluice.api.v1.RtpEncodingParameters;
import io.sluice.api.v1.RtpParameters;
import io.sluice.api.v1.TransportCloseRequest;
import io.sluice.api.v1.TransportCloseResponse;
import io.sluice.api.v1.TransportConsumeRequest;
import io.sluice.api.v1.TransportConsumeResponse;
import io.sluice.api.v1.TransportGetStatsRequest;
import io.sluice.api.v1.TransportGetStatsResponse;
import io.sluice.api.v1.TransportListenInfo;
import io.sluice.api.v1.TransportStats;
import io.sluice.worker.registry.TransportMappings;
import io.sluice.worker.testsupport.Patience;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Plain transports answer the generic transport methods (getStats, close) and are mapped in Redis
 * like WebRTC transports; consumer.setPriority and the consume reply's type and score.
 */
@ExtendWith(SharedWorker.class)
class PlainTransportAsTransportTest {

    private static final Duration WAIT = Patience.WAIT;

    private static RunningWorker worker;

    @BeforeAll
    static void start(RunningWorker shared) {
        worker = shared;
    }

    private static PlainTransportInfo createPlain(String routerId, String userId, boolean rtcpMux) throws Exception {
        return worker.client.call(worker.workerId, "router.createPlainTransport",
                RouterCreatePlainTransportRequest.newBuilder()
                        .setRouterId(routerId)
                        .setListenInfo(TransportListenInfo.newBuilder().setIp("127.0.0.1"))
                        .setRtcpMux(rtcpMux)
                        .setComedia(true)
                        .setUserId(userId)
                        .build())
                .as(RouterCreatePlainTransportResponse.parser()).getTransport();
    }

    private static TransportStats stats(String transportId) throws Exception {
        return worker.client.call(worker.workerId, "transport.getStats",
                TransportGetStatsRequest.newBuilder().setTransportId(transportId).build())
                .as(TransportGetStatsResponse.parser()).getStats();
    }

    @Test
    void aPlainTransportIsMappedInRedisCountedByGetStatsAndClosedByTransportClose() throws Exception {
        String routerId = worker.createRouter("plain-room");
        PlainTransportInfo plain = createPlain(routerId, "recorder-1", false);

        RedisClient redisClient = RedisClient.create(worker.redis.url());
        try (StatefulRedisConnection<String, String> redis = redisClient.connect()) {
            await().atMost(WAIT).untilAsserted(() -> assertThat(redis.sync()
                    .hgetall(TransportMappings.transportKey(plain.getId())))
                    .containsEntry("user_id", "recorder-1")
                    .containsEntry("room_id", "plain-room")
                    .containsEntry("router_id", routerId)
                    .containsEntry("worker_id", worker.workerId));
            assertThat(redis.sync().smembers(TransportMappings.userTransportsKey("plain-room", "recorder-1")))
                    .containsExactly(plain.getId());

            TransportStats before = stats(plain.getId());
            assertThat(before.getType()).isEqualTo("plain");
            assertThat(before.getPacketsReceived()).isZero();
            assertThat(before.getTuple().getLocalPort()).isEqualTo(plain.getTuple().getLocalPort());
            assertThat(before.getRtcpTuple().getLocalPort()).isEqualTo(plain.getRtcpTuple().getLocalPort());

            // Two 12-byte RTP headers with an SSRC no producer has: received, counted, dropped.
            byte[] rtp = {(byte) 0x80, 96, 0, 1, 0, 0, 0, 0, 0x0a, 0x0b, 0x0c, 0x0d};
            try (DatagramSocket sender = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                for (int i = 0; i < 2; i++) {
                    sender.send(new DatagramPacket(rtp, rtp.length, InetAddress.getLoopbackAddress(),
                            plain.getTuple().getLocalPort()));
                }
                await().atMost(WAIT).untilAsserted(() -> {
                    TransportStats after = stats(plain.getId());
                    assertThat(after.getPacketsReceived()).isEqualTo(2);
                    assertThat(after.getBytesReceived()).isEqualTo(24);
                    assertThat(after.getDroppedPacketsMap()).containsEntry("unknown_ssrc", 2L);
                    assertThat(after.getTuple().getRemotePort()).isEqualTo(sender.getLocalPort());
                });
            }

            worker.client.call(worker.workerId, "transport.close",
                    TransportCloseRequest.newBuilder().setTransportId(plain.getId()).build())
                    .as(TransportCloseResponse.parser());
            await().atMost(WAIT).until(() -> worker.events.stream().anyMatch(event ->
                    event.getBodyCase() == Event.BodyCase.TRANSPORT_CLOSED
                            && event.getRouterId().equals(routerId)));
            await().atMost(WAIT).until(() -> redis.sync().exists(TransportMappings.transportKey(plain.getId())) == 0);
            assertThat(redis.sync().smembers(TransportMappings.userTransportsKey("plain-room", "recorder-1"))).isEmpty();
        } finally {
            redisClient.shutdown();
        }
        assertThat(worker.client.call(worker.workerId, "transport.getStats",
                TransportGetStatsRequest.newBuilder().setTransportId(plain.getId()).build()).code())
                .isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(worker.client.call(worker.workerId, "transport.close",
                TransportCloseRequest.newBuilder().setTransportId(plain.getId()).build()).code())
                .isEqualTo(ErrorCode.NOT_FOUND);
    }

    @Test
    void consumeAnswersTypeAndScoreAndSetPriorityChecksItsRange() throws Exception {
        String routerId = worker.createRouter("priority-room");
        PlainTransportInfo sending = createPlain(routerId, "sender", true);
        PlainTransportInfo receiving = createPlain(routerId, "receiver", true);
        RtpParameters vp8 = RtpParameters.newBuilder()
                .addCodecs(RtpCodecParameters.newBuilder().setMimeType("video/VP8").setPayloadType(101).setClockRate(90000))
                .addEncodings(RtpEncodingParameters.newBuilder().setSsrc(0x01020304))
                .setRtcp(RtcpParameters.newBuilder().setCname("priority"))
                .build();
        String producerId = worker.produce(sending.getId(), MediaKind.VIDEO, vp8);
        var capabilities = worker.routerCapabilities(routerId);
        TransportConsumeResponse consumer = worker.client.call(worker.workerId, "transport.consume",
                TransportConsumeRequest.newBuilder().setTransportId(receiving.getId()).setProducerId(producerId)
                        .setRtpCapabilities(capabilities).build())
                .as(TransportConsumeResponse.parser());
        assertThat(consumer.getType()).isEqualTo("simple");
        assertThat(consumer.getProducerId()).isEqualTo(producerId);
        assertThat(consumer.hasScore()).isTrue();
        assertThat(consumer.getScore().getProducerScoresList()).hasSize(1);

        ConsumerSetPriorityResponse set = worker.client.call(worker.workerId, "consumer.setPriority",
                ConsumerSetPriorityRequest.newBuilder().setConsumerId(consumer.getConsumerId()).setPriority(7).build())
                .as(ConsumerSetPriorityResponse.parser());
        assertThat(set.getPriority()).isEqualTo(7);
        for (int invalid : new int[] {0, 256, -1}) {
            assertThat(worker.client.call(worker.workerId, "consumer.setPriority", ConsumerSetPriorityRequest.newBuilder()
                    .setConsumerId(consumer.getConsumerId()).setPriority(invalid).build()).code())
                    .as("priority %s", Integer.toUnsignedString(invalid))
                    .isEqualTo(ErrorCode.INVALID_ARGUMENT);
        }
        assertThat(worker.client.call(worker.workerId, "consumer.setPriority", ConsumerSetPriorityRequest.newBuilder()
                .setConsumerId("no-such-consumer").setPriority(3).build()).code()).isEqualTo(ErrorCode.NOT_FOUND);
        ConsumerDumpResponse dump = worker.client.call(worker.workerId, "consumer.dump",
                ConsumerDumpRequest.newBuilder().setConsumerId(consumer.getConsumerId()).build())
                .as(ConsumerDumpResponse.parser());
        assertThat(dump.getPriority()).as("a refused priority leaves the last one").isEqualTo(7);
        assertThat(dump.getType()).isEqualTo("simple");
    }
}
