package io.sluice.orchestrator.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.sluice.api.v1.ConsumerLayers;
import io.sluice.api.v1.ConsumerLayersChanged;
import io.sluice.api.v1.ConsumerProducerResumed;
import io.sluice.api.v1.ConsumerScore;
import io.sluice.api.v1.Event;
import io.sluice.api.v1.IceState;
import io.sluice.api.v1.ProducerClosed;
import io.sluice.api.v1.TransportIceStateChanged;
import io.sluice.api.v1.Heartbeat;
import io.sluice.api.v1.RouterClosed;
import io.sluice.api.v1.WorkerLoad;
import io.sluice.worker.testsupport.NatsServerProcess;
import io.sluice.worker.testsupport.Patience;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
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
        nats.flush(Patience.WAIT);

        publishClosed("w-0", 1, "r1");

        await().atMost(Patience.WAIT).until(() -> seen.contains("closed w-0 r1 REQUESTED"));
    }

    @Test
    void followingOneRouterSeesOnlyItsEvents() throws Exception {
        subscriber.followRouter("r2");
        nats.flush(Patience.WAIT);

        publishClosed("w-0", 1, "r1");
        publishClosed("w-0", 2, "r2");

        await().atMost(Patience.WAIT).until(() -> seen.contains("closed w-0 r2 REQUESTED"));
        nats.flush(Patience.WAIT);
        assertThat(seen).containsExactly("closed w-0 r2 REQUESTED");
    }

    @Test
    void aSequenceGapIsReportedAsMissedEvents() throws Exception {
        subscriber.followAllRouters();
        nats.flush(Patience.WAIT);

        publishClosed("w-0", 1, "r1");
        publishClosed("w-0", 4, "r4");
        publishClosed("w-1", 7, "r7");

        await().atMost(Patience.WAIT).until(() -> seen.size() == 4);
        assertThat(seen).containsExactly("closed w-0 r1 REQUESTED", "missed w-0 2..4", "closed w-0 r4 REQUESTED",
                "closed w-1 r7 REQUESTED");
    }

    @Test
    void entityEventsReachTheirListenersWithTheEntityIdFromTheSubject() throws Exception {
        subscriber.addConsumerListener(new ConsumerEventListener() {
            @Override
            public void onConsumerScore(String routerId, String consumerId, ConsumerScore score) {
                seen.add("score " + routerId + " " + consumerId + " " + score.getScore());
            }

            @Override
            public void onConsumerLayersChanged(String routerId, String consumerId, Optional<ConsumerLayers> layers) {
                seen.add("layers " + consumerId + " " + layers.map(ConsumerLayers::getSpatialLayer).orElse(-1));
            }

            @Override
            public void onConsumerProducerPaused(String routerId, String consumerId, boolean producerPaused) {
                seen.add("paused " + consumerId + " " + producerPaused);
            }
        });
        subscriber.addProducerListener(new ProducerEventListener() {
            @Override
            public void onProducerClosed(String routerId, String producerId, ProducerClosed.Reason reason) {
                seen.add("producer closed " + producerId + " " + reason);
            }
        });
        subscriber.addTransportListener(new TransportEventListener() {
            @Override
            public void onIceStateChanged(String routerId, String transportId, IceState state) {
                seen.add("ice " + transportId + " " + state);
            }
        });
        subscriber.followRouter("r5");
        nats.flush(Patience.WAIT);

        publish("r5", "consumer", "c1", "score", 1, Event.newBuilder()
                .setConsumerScore(ConsumerScore.newBuilder().setScore(7)));
        publish("r5", "consumer", "c1", "layerschange", 2, Event.newBuilder()
                .setConsumerLayersChanged(ConsumerLayersChanged.newBuilder()
                        .setLayers(ConsumerLayers.newBuilder().setSpatialLayer(2))));
        publish("r5", "consumer", "c1", "layerschange", 3, Event.newBuilder()
                .setConsumerLayersChanged(ConsumerLayersChanged.getDefaultInstance()));
        publish("r5", "consumer", "c1", "producerresume", 4, Event.newBuilder()
                .setConsumerProducerResumed(ConsumerProducerResumed.getDefaultInstance()));
        publish("r5", "producer", "p1", "closed", 5, Event.newBuilder()
                .setProducerClosed(ProducerClosed.newBuilder().setReason(ProducerClosed.Reason.TRANSPORT_CLOSED)));
        publish("r5", "transport", "t1", "icestatechange", 6, Event.newBuilder()
                .setTransportIceStateChanged(TransportIceStateChanged.newBuilder()
                        .setIceState(IceState.ICE_CONNECTED)));

        await().atMost(Patience.WAIT).until(() -> seen.size() == 6);
        assertThat(seen).containsExactly("score r5 c1 7", "layers c1 2", "layers c1 -1", "paused c1 false",
                "producer closed p1 TRANSPORT_CLOSED", "ice t1 ICE_CONNECTED");
    }

    @Test
    void anUnfollowedRouterIsNoLongerHeard() throws Exception {
        subscriber.followRouter("r8");
        subscriber.followRouter("r8");
        nats.flush(Patience.WAIT);
        publishClosed("w-0", 1, "r8");
        await().atMost(Patience.WAIT).until(() -> seen.size() == 1);

        subscriber.unfollowRouter("r8");
        subscriber.followRouter("r9");
        nats.flush(Patience.WAIT);
        publishClosed("w-0", 2, "r8");
        publishClosed("w-0", 3, "r9");

        await().atMost(Patience.WAIT).until(() -> seen.size() == 2);
        nats.flush(Patience.WAIT);
        assertThat(seen).as("followed once, however often asked; gone once unfollowed")
                .containsExactly("closed w-0 r8 REQUESTED", "closed w-0 r9 REQUESTED");
    }

    private static void publish(String routerId, String entity, String entityId, String name, long seq,
            Event.Builder body) {
        Event event = body.setWorkerId("w-0").setSeq(seq).setRouterId(routerId).build();
        nats.publish("sluice.event." + routerId + "." + entity + "." + entityId + "." + name, event.toByteArray());
    }

    @Test
    void heartbeatsReachTheListenerAndGarbageIsDropped() throws Exception {
        subscriber.followHeartbeats();
        nats.flush(Patience.WAIT);

        nats.publish("sluice.heartbeat.w-0", new byte[] {(byte) 0xff, 0x01});
        nats.publish("sluice.heartbeat.w-0", Heartbeat.newBuilder().setWorkerId("w-0").setSeq(1)
                .setLoad(WorkerLoad.newBuilder().setRouters(3)).build().toByteArray());

        await().atMost(Patience.WAIT).until(() -> !seen.isEmpty());
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
