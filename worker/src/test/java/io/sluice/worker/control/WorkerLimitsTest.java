package io.sluice.worker.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Message;
import io.nats.client.Subscription;
import io.sluice.api.v1.ErrorCode;
import io.sluice.api.v1.Heartbeat;
import io.sluice.api.v1.RouterCreateWebRtcTransportRequest;
import io.sluice.api.v1.RouterCreateWebRtcTransportResponse;
import io.sluice.api.v1.TransportCloseRequest;
import io.sluice.api.v1.WorkerLoad;
import io.sluice.worker.testsupport.Patience;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Defect 4 of issue 12: a worker with MAX_ROUTERS=2 and MAX_TRANSPORTS=3 refuses what is beyond
 * with RESOURCE_EXHAUSTED naming the limit, even for requests that arrive together (transports
 * still binding count), and reports its limits in the heartbeat.
 */
class WorkerLimitsTest {

    private static RunningWorker worker;

    @BeforeAll
    static void start() throws Exception {
        worker = RunningWorker.start("limits", 47_300, 47_399,
                Map.of("MAX_ROUTERS", "2", "MAX_TRANSPORTS", "3", "MAX_CONSUMERS", "5"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (worker != null) {
            worker.close();
        }
    }

    @Test
    void routersAndTransportsBeyondTheLimitsAreRefusedAndTheHeartbeatSaysSo() throws Exception {
        Subscription heartbeats = worker.connection.subscribe(HeartbeatPublisher.subject(worker.workerId));
        worker.connection.flush(Patience.WAIT);
        WorkerLoad load = Heartbeat.parseFrom(heartbeats.nextMessage(Patience.WAIT).getData()).getLoad();
        assertThat(load.getMaxRouters()).isEqualTo(2);
        assertThat(load.getMaxTransports()).isEqualTo(3);
        assertThat(load.getMaxConsumers()).isEqualTo(5);

        String routerId = worker.createRouter("room-limits-1");
        worker.createRouter("room-limits-2");
        ControlClient.Reply third = worker.client.call(worker.workerId, "worker.createRouter",
                WorkerControlTest.opusAndVp8("room-limits-3"));
        assertThat(third.code()).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
        assertThat(third.error().getMessage()).contains("MAX_ROUTERS");

        // Ten at once: sockets take a while to bind, and those still binding count too.
        byte[] request = RouterCreateWebRtcTransportRequest.newBuilder().setRouterId(routerId).setUserId("greedy")
                .build().toByteArray();
        List<CompletableFuture<Message>> replies = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            replies.add(worker.connection.requestWithTimeout(
                    "sluice." + worker.workerId + ".router.createWebRtcTransport", request, Patience.WAIT));
        }
        List<String> created = new ArrayList<>();
        int refused = 0;
        for (CompletableFuture<Message> reply : replies) {
            Message message = reply.get(Patience.WAIT.toSeconds(), TimeUnit.SECONDS);
            ControlClient.Reply parsed = new ControlClient.Reply(message.getHeaders(), message.getData());
            if (parsed.isError()) {
                assertThat(parsed.code()).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
                assertThat(parsed.error().getMessage()).contains("MAX_TRANSPORTS");
                refused++;
            } else {
                created.add(parsed.as(RouterCreateWebRtcTransportResponse.parser()).getTransport().getId());
            }
        }
        assertThat(created).hasSize(3);
        assertThat(refused).isEqualTo(7);

        // Room again once one goes.
        worker.client.call(worker.workerId, "transport.close",
                TransportCloseRequest.newBuilder().setTransportId(created.getFirst()).build());
        worker.client.call(worker.workerId, "router.createWebRtcTransport",
                RouterCreateWebRtcTransportRequest.newBuilder().setRouterId(routerId).setUserId("next").build())
                .as(RouterCreateWebRtcTransportResponse.parser());
        heartbeats.unsubscribe();
    }
}
