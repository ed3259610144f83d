package io.sluice.orchestrator.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.api.v1.ConsumerClosed;
import io.sluice.orchestrator.client.ConsumerEventListener;
import io.sluice.orchestrator.client.SluiceEventSubscriber;
import io.sluice.orchestrator.client.SluiceRequester;
import io.sluice.orchestrator.client.WorkerClient;
import io.sluice.orchestrator.signaling.RecoveryStack;
import io.sluice.worker.testsupport.ChromiumBrowser;
import io.sluice.worker.testsupport.ExternalTool;
import io.sluice.worker.testsupport.NetworkIsolation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A room spread over two worker processes, seen from the unchanged mediasoup-client in Chromium
 * (docs/signaling.md, "Rooms over several workers"): with one peer per worker, A publishes camera
 * and microphone on a router of worker 1 and B views through a router of worker 2, A's producers
 * piped there with router.pipeToRouter (UDP between the processes). B decodes A's camera at the
 * resolution A sends; A turning its camera off pauses B's consumer on worker 2 (the pause crossed
 * the pipe: the stub only relays worker 2's event); A closing its camera closes B's consumer on
 * worker 2 with {@code producerclose} (worker 2 reports it; the stub closes nothing there itself).
 */
@Tag("browser")
class PipedRoomInChromiumTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String ROOM = "room-piped";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path logs;

    @Test
    void aViewerOnAnotherWorkerDecodesThePipedCameraAndSeesItPausedAndClosed() throws Exception {
        NetworkIsolation.requireLoopbackOnly();
        Path chromium = ExternalTool.require("chromium", "chromium");
        Map<String, ConsumerClosed.Reason> closedOnWorker = new ConcurrentHashMap<>();
        try (RecoveryStack stack = RecoveryStack.start(logs, 2);
                SluiceEventSubscriber workerEvents = new SluiceEventSubscriber(stack.nats());
                ChromiumBrowser publisher = ChromiumBrowser.launch(chromium, List.of());
                ChromiumBrowser viewer = ChromiumBrowser.launch(chromium, List.of())) {
            stack.placement().spreadRoomsBeyond(1);
            workerEvents.addConsumerListener(new ConsumerEventListener() {
                @Override
                public void onConsumerClosed(String routerId, String consumerId, ConsumerClosed.Reason reason) {
                    closedOnWorker.put(consumerId, reason);
                }
            });
            publisher.navigate(DemoPage.url(stack.port(), ROOM, "alice", "", "audio", "video"));
            DemoPage.awaitPublishing(publisher, "[\"audio\",\"video\"]");
            viewer.navigate(DemoPage.url(stack.port(), ROOM, "bob", ""));
            long firstFrames = DemoPage.awaitFirstFrame(viewer);

            JsonNode dump = JSON.readTree(stack.server().roomDump(ROOM).orElseThrow());
            assertThat(dump.path("routers")).as("A's home router and B's spread router").hasSize(2);
            JsonNode home = dump.path("routers").get(0);
            JsonNode spread = dump.path("routers").get(1);
            assertThat(spread.path("workerId").asText()).isNotEqualTo(home.path("workerId").asText());
            assertThat(spread.path("peers").get(0).asText()).isEqualTo(viewer.evaluate("sluice.state.peerId").asText());
            String videoProducerId = publisher.evaluate(
                    "sluice.state.producers.find(p => p.kind === 'video').id").asText();
            String audioProducerId = publisher.evaluate(
                    "sluice.state.producers.find(p => p.kind === 'audio').id").asText();
            String spreadRouter = spread.path("routerId").asText();
            assertThat(dump.path("pipes").path(videoProducerId).get(0).asText()).isEqualTo(spreadRouter);
            assertThat(dump.path("pipes").path(audioProducerId).get(0).asText()).isEqualTo(spreadRouter);
            workerEvents.followRouter(spreadRouter);

            String videoConsumerId = viewer.evaluate("window.videoConsumer = [...sluice.state.consumers.values()]"
                    + ".find(e => e.consumer.kind === 'video').consumer; window.videoConsumer.id").asText();
            WorkerClient spreadWorker = new WorkerClient(new SluiceRequester(stack.nats()),
                    spread.path("workerId").asText());
            assertThat(spreadWorker.router(spreadRouter).dump().get(30, TimeUnit.SECONDS).getConsumerIdsList())
                    .as("B's consumers live on worker 2").contains(videoConsumerId);

            await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                assertThat(viewer.evaluate("sluice.framesDecoded()").asLong())
                        .as("frames keep being decoded").isGreaterThan(firstFrames + 30);
                assertThat(viewer.evaluate("sluice.audioPacketsReceived()").asLong())
                        .as("A's microphone crosses the pipe too").isGreaterThan(50);
                String sent = publisher.evaluate(outboundResolution()).asText();
                assertThat(sent).isNotEqualTo("0x0");
                assertThat(viewer.evaluate(inboundResolution()).asText()).as("the resolution A sends").isEqualTo(sent);
            });

            publisher.evaluate("sluice.setMuted('video', true)");
            await().atMost(WAIT).untilAsserted(() -> assertThat(viewer.evaluate(
                    "sluice.state.consumers.get('" + videoConsumerId + "').producerPaused").asBoolean())
                    .as("worker 2 paused B's consumer of the pipe producer").isTrue());
            assertThat(spreadWorker.router(spreadRouter).dump().get(30, TimeUnit.SECONDS).getConsumerIdsList())
                    .contains(videoConsumerId);

            publisher.evaluate("sluice.closeProducer('video')");
            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(closedOnWorker).as("worker 2 closed B's consumer when the pipe producer closed")
                        .containsEntry(videoConsumerId, ConsumerClosed.Reason.PRODUCER_CLOSED);
                assertThat(viewer.evaluate("window.videoConsumer.closed").asBoolean())
                        .as("the mediasoup-client consumer is closed").isTrue();
                assertThat(viewer.evaluate("document.querySelectorAll('#videos video').length").asInt()).isZero();
            });
            assertThat(spreadWorker.router(spreadRouter).dump().get(30, TimeUnit.SECONDS).getProducerIdsList())
                    .as("the audio pipe producer stays, the video one is gone").containsExactly(audioProducerId);
            assertThat(viewer.evaluate("sluice.state.errors").toString()).isEqualTo("[]");
            assertThat(publisher.evaluate("sluice.state.errors").toString()).isEqualTo("[]");
        }
    }

    /** "WxH" of what A's camera producer sends now (its outbound-rtp statistics). */
    private static String outboundResolution() {
        return "(async () => { let r = '0x0';"
                + " const p = sluice.state.producers.find(p => p.kind === 'video' && !p.closed);"
                + " (await p.getStats()).forEach(s => { if (s.type === 'outbound-rtp' && s.frameWidth)"
                + " r = s.frameWidth + 'x' + s.frameHeight; }); return r; })()";
    }

    /** "WxH" of what B's camera consumer decodes now (its inbound-rtp statistics). */
    private static String inboundResolution() {
        return "(async () => { let r = '0x0';"
                + " (await window.videoConsumer.getStats()).forEach(s => { if (s.type === 'inbound-rtp'"
                + " && s.frameWidth) r = s.frameWidth + 'x' + s.frameHeight; }); return r; })()";
    }
}
