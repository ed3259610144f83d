package io.sluice.orchestrator.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.orchestrator.signaling.RecoveryStack;
import io.sluice.worker.testsupport.ChromiumBrowser;
import io.sluice.worker.testsupport.ExternalTool;
import io.sluice.worker.testsupport.NetworkIsolation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo page with the unchanged mediasoup-client in Chromium survives the death of the worker
 * process holding its room: A publishes, B views, the process is killed with SIGKILL, and both
 * pages, told to {@code reconnect}, join again on the second worker process without a reload; B
 * decodes A's camera again. The time from the kill to B's first new frame is printed
 * (docs/benchmarks.md "Recovery").
 */
@Tag("browser")
class WorkerFailoverInChromiumTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String ROOM = "room-failover";

    @TempDir
    Path logs;

    @Test
    void theViewerDecodesThePublisherAgainAfterTheWorkerHoldingTheRoomIsKilled() throws Exception {
        NetworkIsolation.requireLoopbackOnly();
        Path chromium = ExternalTool.require("chromium", "chromium");
        try (RecoveryStack stack = RecoveryStack.start(logs, 2);
                ChromiumBrowser publisher = ChromiumBrowser.launch(chromium, List.of());
                ChromiumBrowser viewer = ChromiumBrowser.launch(chromium, List.of())) {
            publisher.navigate(DemoPage.url(stack.port(), ROOM, "alice", "", "audio", "video"));
            DemoPage.awaitPublishing(publisher, "[\"audio\",\"video\"]");
            viewer.navigate(DemoPage.url(stack.port(), ROOM, "bob", ""));
            DemoPage.awaitFirstFrame(viewer);
            String deadWorker = stack.assignment(ROOM).orElseThrow().workerId();
            String oldConsumers = viewer.evaluate("[...sluice.state.consumers.keys()].sort().join()").asText();

            long killedAt = System.nanoTime();
            stack.worker(RecoveryStack.indexOf(deadWorker)).kill();

            long[] firstNewFrameMs = new long[1];
            await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
                assertThat(viewer.evaluate("sluice.state.reconnects.length > 0").asBoolean()).isTrue();
                assertThat(viewer.evaluate("sluice.framesDecoded()").asLong()).isPositive();
                firstNewFrameMs[0] = (System.nanoTime() - killedAt) / 1_000_000;
            });
            long detectedMs = (stack.disappearedAt(deadWorker).orElseThrow() - killedAt) / 1_000_000;
            System.out.printf("worker SIGKILL under a call (Chromium, VP8): %d ms to detection, %d ms to the "
                    + "viewer's first new decoded frame%n", detectedMs, firstNewFrameMs[0]);

            assertThat(viewer.evaluate("sluice.state.reconnects[0].reason").asText()).isEqualTo("workerDied");
            assertThat(publisher.evaluate("sluice.state.reconnects.map(r => r.reason).join()").asText())
                    .isEqualTo("workerDied");
            assertThat(stack.assignment(ROOM).orElseThrow().workerId()).isNotEqualTo(deadWorker);
            assertThat(viewer.evaluate("[...sluice.state.consumers.keys()].sort().join()").asText())
                    .as("new consumers on the new router").isNotEqualTo(oldConsumers);
            long framesThen = viewer.evaluate("sluice.framesDecoded()").asLong();
            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(viewer.evaluate("sluice.framesDecoded()").asLong()).isGreaterThan(framesThen + 20);
                assertThat(viewer.evaluate("sluice.audioPacketsReceived()").asLong()).isPositive();
            });
            assertThat(viewer.evaluate("document.querySelectorAll('#videos video').length").asInt()).isEqualTo(1);
            assertThat(viewer.evaluate("sluice.state.errors").toString()).isEqualTo("[]");
            assertThat(publisher.evaluate("sluice.state.errors").toString()).isEqualTo("[]");
        }
    }
}
