package io.sluice.orchestrator.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.sluice.api.v1.Event;
import io.sluice.api.v1.Heartbeat;
import io.sluice.api.v1.RouterClosed;
import io.sluice.api.v1.WorkerLoad;
import io.sluice.worker.testsupport.NatsServerProcess;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Event and heartbeat decoding and dispatch, with messages published on a real nats-server. */
class SluiceEventSubscriberTest {

    private static NatsServerProcess natsServer;
    private static Connection nats;
    private SluiceEventSubscriber subscriber;
    private final List<String> seen = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startNats() throws Exception {
        natsServer = NatsServerProcess.start();
        nats = Nats.connect(natsServer.url());
    }

    @AfterAll
    static void stopNats() throws Exception {
        if (nats != null) {
            nats.close();
        }
        if (natsServer != null) {
            natsServer.close();
        }
    }

    @BeforeEach
    void subscribe() {
        subscriber = new SluiceEventSubscriber(nats);
        subscriber.addRouterListener((workerId, routerId, reason) -> seen.add("closed " + workerId + " " + routerId + " " + reason));
        subscriber.addMissedEventsListener((workerId, first, next) -> seen.add("missed " + workerId + " " + first + ".." + next));
        subscriber.addHeartbeatListener(heartbeat -> seen.add("heartbeat " + heartbeat.getWorkerId() + " routers="
                + heartbeat.getLoad().getRouters()));
    }

    @AfterEach
    void close() {
        subscriber.close();
    }

    @Test
    void routerClosedReachesTheListenerWhenFollowingAll() throws Exception {
        subscriber.followAllRouters();
        nats.flush(Duration.ofSeconds(2));

        publishClosed("w-0", 1, "r1");

        await().atMost(Duration.ofSeconds(5)).until(() -> seen.contains("closed w-0 r1 REQUESTED"));
    }

    @Test
    void followingOneRouterSeesOnlyItsEvents() throws Exception {
        subscriber.followRouter("r2");
        nats.flush(Duration.ofSeconds(2));

        publishClosed("w-0", 1, "r1");
        publishClosed("w-0", 2, "r2");

        await().atMost(Duration.ofSeconds(5)).until(() -> seen.contains("closed w-0 r2 REQUESTED"));
        nats.flush(Duration.ofSeconds(2));
        assertThat(seen).containsExactly("closed w-0 r2 REQUESTED");
    }

    @Test
    void aSequenceGapIsReportedAsMissedEvents() throws Exception {
        subscriber.followAllRouters();
        nats.flush(Duration.ofSeconds(2));

        publishClosed("w-0", 1, "r1");
        publishClosed("w-0", 4, "r4");
        publishClosed("w-1", 7, "r7");

        await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 4);
        assertThat(seen).containsExactly("closed w-0 r1 REQUESTED", "missed w-0 2..4", "closed w-0 r4 REQUESTED",
                "closed w-1 r7 REQUESTED");
    }

    @Test
    void heartbeatsReachTheListenerAndGarbageIsDropped() throws Exception {
        subscriber.followHeartbeats();
        nats.flush(Duration.ofSeconds(2));

        nats.publish("sluice.heartbeat.w-0", new byte[] {(byte) 0xff, 0x01});
        nats.publish("sluice.heartbeat.w-0", Heartbeat.newBuilder().setWorkerId("w-0").setSeq(1)
                .setLoad(WorkerLoad.newBuilder().setRouters(3)).build().toByteArray());

        await().atMost(Duration.ofSeconds(5)).until(() -> !seen.isEmpty());
        assertThat(seen).containsExactly("heartbeat w-0 routers=3");
    }

    private static void publishClosed(String workerId, long seq, String routerId) {
        Event event = Event.newBuilder().setWorkerId(workerId).setSeq(seq).setRouterId(routerId)
                .setTimestampMs(System.currentTimeMillis())
                .setRouterClosed(RouterClosed.newBuilder().setReason(RouterClosed.Reason.REQUESTED))
                .build();
        nats.publish("sluice.event." + routerId + ".router." + routerId + ".closed", event.toByteArray());
    }
}
