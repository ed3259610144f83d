package io.sluice.worker.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Message;
import io.nats.client.Subscription;
import io.sluice.api.v1.ErrorCode;
import io.sluice.api.v1.Heartbeat;
import io.sluice.api.v1.RouterCloseRequest;
import io.sluice.api.v1.WorkerDrainRequest;
import io.sluice.api.v1.WorkerDrainResponse;
import io.sluice.worker.testsupport.Patience;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * {@code worker.drain} on a worker process of its own (draining cannot be undone): the draining
 * heartbeat goes out before the reply, new routers are refused, and the process closes by itself
 * once its last router is gone (docs/protocol.md, "worker.drain").
 */
class WorkerDrainControlTest {

    @Test
    void aDrainedWorkerBeatsAtOnceRefusesRoutersAndClosesWhenEmpty() throws Exception {
        try (RunningWorker running = RunningWorker.start("drain", 46600, 46609)) {
            String routerId = running.createRouter("drained-room");
            CountDownLatch closed = new CountDownLatch(1);
            running.process.onDrained(closed::countDown);
            Subscription heartbeats = running.connection.subscribe(HeartbeatPublisher.subject(running.workerId));
            running.connection.flush(Patience.WAIT);

            WorkerDrainResponse drained = running.client.call(running.workerId, "worker.drain",
                    WorkerDrainRequest.getDefaultInstance()).as(WorkerDrainResponse.parser());

            assertThat(drained.getRouters()).isEqualTo(1);
            // The heartbeat and the reply leave through the same connection in that order, so the
            // draining beat is already here: the orchestrator does not wait for the next second.
            assertThat(alreadyReceivedDrainingBeat(heartbeats)).isTrue();
            assertThat(running.client.call(running.workerId, "worker.createRouter",
                    WorkerControlTest.opusAndVp8("late-room")).code()).isEqualTo(ErrorCode.UNAVAILABLE);

            running.client.call(running.workerId, "router.close",
                    RouterCloseRequest.newBuilder().setRouterId(routerId).build());
            assertThat(closed.await(Patience.WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS))
                    .as("the drained process closes once its last router is gone").isTrue();
        }
    }

    /** Reads what the subscription holds now; a short poll, as every message wanted has arrived. */
    private static boolean alreadyReceivedDrainingBeat(Subscription heartbeats) throws Exception {
        for (Message message = heartbeats.nextMessage(Duration.ofMillis(50)); message != null;
                message = heartbeats.nextMessage(Duration.ofMillis(50))) {
            if (Heartbeat.parseFrom(message.getData()).getDraining()) {
                return true;
            }
        }
        return false;
    }
}
