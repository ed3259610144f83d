package io.sluice.orchestrator.signaling;

import static io.sluice.orchestrator.signaling.SignalingTestClient.data;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.sluice.api.v1.ErrorCode;
import io.sluice.orchestrator.OrchestratorMain;
import io.sluice.orchestrator.client.SluiceRequestException;
import io.sluice.orchestrator.client.SluiceRequester;
import io.sluice.orchestrator.client.WorkerClient;
import io.sluice.orchestrator.placement.RoomAssignment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Draining with two real worker processes: the process holding a room is drained (by
 * {@code worker.drain}, or by SIGTERM); it refuses new routers with UNAVAILABLE, advertises it,
 * the stub moves the room's peers to the other process, closes the old router, and the drained
 * process exits 0 on its own. The drain duration is printed (docs/benchmarks.md "Recovery").
 */
class WorkerDrainTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String ROOM = "drain-room";

    @TempDir
    Path logs;

    private RecoveryStack stack;

    @BeforeEach
    void start() throws Exception {
        stack = RecoveryStack.start(logs, 2);
    }

    @AfterEach
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aDrainRequestMovesTheRoomAndTheEmptiedProcessExitsZero() throws Exception {
        try (SignalingTestClient alice = new SignalingTestClient(stack.port())) {
            RoomAssignment first = join(alice);
            WorkerClient drained = new WorkerClient(new SluiceRequester(stack.nats()), first.workerId());

            long drainAt = System.nanoTime();
            assertThat(drained.drain().get(10, TimeUnit.SECONDS)).isEqualTo(1);

            assertThatThrownBy(() -> drained.createRouter(OrchestratorMain.DEFAULT_MEDIA_CODECS, "other", null)
                    .get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOfSatisfying(SluiceRequestException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
                        assertThat(e.getMessage()).contains("draining");
                    });
            assertMovesAndExitsZero(alice, first, drainAt, "worker.drain");
        }
    }

    @Test
    void sigtermDrainsTheSameWay() throws Exception {
        try (SignalingTestClient alice = new SignalingTestClient(stack.port())) {
            RoomAssignment first = join(alice);

            long drainAt = System.nanoTime();
            Thread.ofPlatform().start(() -> {
                try {
                    stack.worker(RecoveryStack.indexOf(first.workerId())).sigterm(Duration.ofMillis(1));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });

            assertMovesAndExitsZero(alice, first, drainAt, "SIGTERM");
        }
    }

    private RoomAssignment join(SignalingTestClient client) throws Exception {
        client.ok("join", data("roomId", ROOM, "token", SignalingStack.token("alice", ROOM, "audio", "video")));
        client.ok("createWebRtcTransport", data("direction", "send"));
        return stack.assignment(ROOM).orElseThrow();
    }

    private void assertMovesAndExitsZero(SignalingTestClient alice, RoomAssignment first, long drainAt, String how)
            throws Exception {
        assertThat(alice.awaitNotification("reconnect").path("reason").asText()).isEqualTo("workerDraining");
        long movedMs = (System.nanoTime() - drainAt) / 1_000_000;
        await().atMost(WAIT).until(() -> "1".equals(
                stack.redis().sync().hget("sluice:worker:" + first.workerId(), "draining"))
                || !stack.worker(RecoveryStack.indexOf(first.workerId())).isAlive());

        alice.ok("join", data("roomId", ROOM, "token", SignalingStack.token("alice", ROOM, "audio", "video")));
        alice.ok("createWebRtcTransport", data("direction", "send"));
        RoomAssignment second = stack.assignment(ROOM).orElseThrow();
        assertThat(second.workerId()).isNotEqualTo(first.workerId());

        int status = stack.worker(RecoveryStack.indexOf(first.workerId())).awaitExit(WAIT);
        long exitedMs = (System.nanoTime() - drainAt) / 1_000_000;
        assertThat(status).as("exit status of the drained worker process").isZero();
        System.out.printf("drain (%s, 1 room): %d ms to the peers' reconnect notification, %d ms to the drained "
                + "process's exit (status 0)%n", how, movedMs, exitedMs);
    }
}
