package io.sluice.orchestrator.placement;

import static io.sluice.orchestrator.testsupport.ScriptedWorker.load;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.api.StatefulRedisConnection;
import io.nats.client.Connection;
import io.sluice.api.v1.ErrorCode;
import io.sluice.api.v1.Event;
import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.RouterClosed;
import io.sluice.api.v1.RtpCodecCapability;
import io.sluice.orchestrator.client.RouterClient;
import io.sluice.orchestrator.client.SluiceEventSubscriber;
import io.sluice.orchestrator.client.SluiceRequestException;
import io.sluice.orchestrator.client.SluiceRequester;
import io.sluice.orchestrator.discovery.WorkerDirectory;
import io.sluice.orchestrator.testsupport.MessagingServers;
import io.sluice.orchestrator.testsupport.ScriptedWorker;
import io.sluice.worker.testsupport.Patience;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Which worker a room goes to, with scripted workers whose loads differ (real workers cannot hold
 * routers until ortc lands; RoomPlacementTest covers real workers).
 */
class RoomPlacementChoiceTest {

    private static final List<RtpCodecCapability> OPUS = List.of(RtpCodecCapability.newBuilder()
            .setKind(MediaKind.AUDIO).setMimeType("audio/opus").setClockRate(48000).setChannels(2).build());

    private static MessagingServers servers;
    private static Connection nats;
    private static StatefulRedisConnection<String, String> redis;

    private WorkerDirectory directory;
    private SluiceEventSubscriber events;
    private RoomPlacement placement;
    private ScriptedWorker busy;
    private ScriptedWorker hot;
    private ScriptedWorker cool;

    @BeforeAll
    static void startServers() throws Exception {
        servers = MessagingServers.start();
        nats = servers.nats();
        redis = servers.redis();
    }

    @AfterAll
    static void stopServers() throws Exception {
        if (servers != null) {
            servers.close();
        }
    }

    @BeforeEach
    void start() throws Exception {
        redis.sync().flushall();
        busy = new ScriptedWorker("busy", nats, redis.sync());
        hot = new ScriptedWorker("hot", nats, redis.sync());
        cool = new ScriptedWorker("cool", nats, redis.sync());
        for (ScriptedWorker worker : List.of(busy, hot, cool)) {
            worker.startService();
        }
        directory = new WorkerDirectory(nats, redis, InstantSource.system());
        placement = new RoomPlacement(directory, new SluiceRequester(nats, Duration.ofSeconds(30)),
                new InMemoryRoomAssignments(), OPUS);
        directory.addListener(placement);
        events = new SluiceEventSubscriber(nats);
        events.addRouterListener(placement);
        events.followAllRouters();
        directory.start();
        busy.publishHeartbeat(load(2, 1, 0.1));
        hot.publishHeartbeat(load(1, 1, 0.9));
        cool.publishHeartbeat(load(2, 0, 0.2));
        await().atMost(Patience.WAIT).until(() -> directory.liveWorkers().stream()
                .filter(worker -> worker.seenBy().contains(io.sluice.orchestrator.discovery.WorkerInfo.Source.HEARTBEAT))
                .count() == 3);
    }

    @AfterEach
    void stop() {
        events.close();
        directory.close();
        List.of(busy, hot, cool).forEach(ScriptedWorker::close);
    }

    @Test
    void aRoomGoesToTheWorkerWithFewestRoutersAndTransportsThenTheIdlestLoop() throws Exception {
        RouterClient router = placement.placeRoom("room1").get(30, TimeUnit.SECONDS);

        // hot and cool both hold 2 routers+transports; cool's loop is idler.
        assertThat(router.workerId()).isEqualTo("cool");
        assertThat(router.id()).isEqualTo("cool-router-1");
        assertThat(cool.createRouterRequests()).singleElement().satisfies(request -> {
            assertThat(request.getRoomId()).isEqualTo("room1");
            assertThat(request.getMediaCodecsList()).isEqualTo(OPUS);
        });
        assertThat(cool.idempotencyKeys()).singleElement().asString().startsWith("place-room:room1:");
        assertThat(placement.assignment("room1")).contains(new RoomAssignment("room1", "cool", "cool-router-1"));
    }

    @Test
    void aPlacedRoomKeepsItsRouterAndConcurrentCallersShareOneCreation() throws Exception {
        CompletableFuture<RouterClient> first = placement.placeRoom("room1");
        CompletableFuture<RouterClient> second = placement.placeRoom("room1");
        RouterClient placed = first.get(30, TimeUnit.SECONDS);
        RouterClient again = placement.placeRoom("room1").get(30, TimeUnit.SECONDS);

        assertThat(second.get(30, TimeUnit.SECONDS).id()).isEqualTo(placed.id());
        assertThat(again.id()).isEqualTo(placed.id());
        assertThat(again.workerId()).isEqualTo(placed.workerId());
        assertThat(cool.createRouterRequests()).hasSize(1);
    }

    @Test
    void roomsPlacedInABurstSpreadBeforeTheNextHeartbeat() throws Exception {
        RouterClient room1 = placement.placeRoom("room1").get(30, TimeUnit.SECONDS);
        RouterClient room2 = placement.placeRoom("room2").get(30, TimeUnit.SECONDS);

        // After room1, cool counts 3 and hot's 2 is the fewest.
        assertThat(room1.workerId()).isEqualTo("cool");
        assertThat(room2.workerId()).isEqualTo("hot");
    }

    @Test
    void aClosedRouterFreesItsRoomForANewPlacement() throws Exception {
        RouterClient router = placement.placeRoom("room1").get(30, TimeUnit.SECONDS);

        Event closed = Event.newBuilder().setWorkerId("cool").setSeq(1).setRouterId(router.id())
                .setRouterClosed(RouterClosed.newBuilder().setReason(RouterClosed.Reason.REQUESTED)).build();
        nats.publish("sluice.event." + router.id() + ".router." + router.id() + ".closed", closed.toByteArray());

        await().atMost(Patience.WAIT).until(() -> placement.assignment("room1").isEmpty());
    }

    @Test
    void withNoLiveWorkerPlacementIsUnavailable() {
        RoomPlacement nowhere = new RoomPlacement(new WorkerDirectory(nats, redis, InstantSource.system()),
                new SluiceRequester(nats), new InMemoryRoomAssignments(), OPUS);

        assertThatThrownBy(() -> nowhere.placeRoom("room1").get(30, TimeUnit.SECONDS))
                .cause().isInstanceOfSatisfying(SluiceRequestException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
    }
}
