package io.sluice.orchestrator.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.orchestrator.signaling.SignalingStack;
import io.sluice.worker.testsupport.ChromiumBrowser;
import io.sluice.worker.testsupport.ExternalTool;
import io.sluice.worker.testsupport.NetworkIsolation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The unchanged mediasoup-client 3.24.1 in Chromium against the orchestrator stub and an
 * in-process worker, from the demo page: peer A publishes the fake camera (VP8) and microphone,
 * B joins and decodes both, C joins later and receives A too; then A closes its camera producer
 * and B's consumer closes, and A leaves and B is told. The join-to-first-frame times are printed
 * (docs/benchmarks.md "Join to first frame").
 */
@Tag("browser")
class MediasoupClientInChromiumTest {

    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final String ROOM = "room-e2e";

    private static SignalingStack stack;

    @BeforeAll
    static void start() throws Exception {
        NetworkIsolation.requireLoopbackOnly();
        assertThat(MediasoupClientInChromiumTest.class.getClassLoader().getResource("web/app.js"))
                .as("the demo page bundle (orchestrator-stub/web/build.sh runs in generate-resources)").isNotNull();
        stack = SignalingStack.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void viewersReceiveThePublisherUntilItClosesItsCameraAndLeaves() throws Exception {
        Path chromium = ExternalTool.require("chromium", "chromium");
        try (ChromiumBrowser publisher = ChromiumBrowser.launch(chromium, List.of());
                ChromiumBrowser viewer = ChromiumBrowser.launch(chromium, List.of())) {
            publisher.navigate(DemoPage.url(stack, ROOM, "alice", "", "audio", "video"));
            DemoPage.awaitPublishing(publisher, "[\"audio\",\"video\"]");

            // (a) B joins and decodes A's camera and receives A's microphone.
            long joinStarted = System.nanoTime();
            viewer.navigate(DemoPage.url(stack, ROOM, "bob", ""));
            long firstFrames = DemoPage.awaitFirstFrame(viewer);
            long joinToFirstFrameMs = (System.nanoTime() - joinStarted) / 1_000_000;
            DemoPage.printJoinToFirstFrame("VP8, B joins a publishing room", viewer, joinToFirstFrameMs);
            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(viewer.evaluate("sluice.framesDecoded()").asLong())
                        .as("frames keep being decoded").isGreaterThan(firstFrames + 20);
                assertThat(viewer.evaluate("sluice.audioPacketsReceived()").asLong())
                        .as("audio packets arrive").isGreaterThan(50);
            });
            assertThat(viewer.evaluate("document.querySelectorAll('#videos video').length").asInt()).isEqualTo(1);
            assertThat(DemoPage.videoMimeType(viewer)).isEqualTo("video/VP8");
            await().atMost(WAIT).untilAsserted(() -> assertThat(viewer.evaluate(
                    "sluice.notified('transportStateChanged').some(s => s.iceState === 'connected'"
                            + " || s.iceState === 'completed')").asBoolean())
                    .as("the worker's ICE state of B's transport is relayed").isTrue());
            await().atMost(WAIT).untilAsserted(() -> assertThat(viewer.evaluate(
                    "sluice.notified('consumerScore').length").asInt())
                    .as("consumer scores are relayed").isPositive());
            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(viewer.evaluate("document.querySelector('#videos .overlay').textContent").asText())
                        .as("the overlay shows the relayed score, the bitrate and the resolution")
                        .containsPattern("[1-9][0-9]* kbps · score [0-9]+/[0-9]+ · [0-9]+x[0-9]+");
                assertThat(viewer.evaluate("""
                        (() => {
                          const chart = document.querySelector('#videos canvas.chart');
                          const pixels = chart.getContext('2d').getImageData(0, 0, chart.width, chart.height).data;
                          let line = 0;
                          for (let i = 0; i < pixels.length; i += 4) {
                            if (pixels[i + 1] > 150 && pixels[i] < 120) line++;
                          }
                          return line;
                        })()""").asInt()).as("the bitrate chart draws a line").isGreaterThan(20);
            });

            // (b) C joins later and receives A too.
            try (ChromiumBrowser late = ChromiumBrowser.launch(chromium, List.of())) {
                long lateJoinStarted = System.nanoTime();
                late.navigate(DemoPage.url(stack, ROOM, "carol", ""));
                DemoPage.awaitFirstFrame(late);
                DemoPage.printJoinToFirstFrame("VP8, C joins later", late,
                        (System.nanoTime() - lateJoinStarted) / 1_000_000);
                await().atMost(WAIT).untilAsserted(() -> assertThat(late.evaluate("sluice.audioPacketsReceived()")
                        .asLong()).isPositive());
                assertThat(late.evaluate("sluice.state.consumers.size").asInt()).isEqualTo(2);
            }

            // (c) A closes its camera producer: B's consumer closes.
            viewer.evaluate("window.videoConsumer = [...sluice.state.consumers.values()]"
                    + ".find(e => e.consumer.kind === 'video').consumer; window.videoConsumer.id");
            String videoConsumerId = viewer.evaluate("window.videoConsumer.id").asText();
            publisher.evaluate("sluice.closeProducer('video')");
            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(viewer.evaluate("sluice.notified('consumerClosed').map(c => c.consumerId)").toString())
                        .contains(videoConsumerId);
                assertThat(viewer.evaluate("window.videoConsumer.closed").asBoolean())
                        .as("the mediasoup-client consumer is closed").isTrue();
                assertThat(viewer.evaluate("document.querySelectorAll('#videos video').length").asInt()).isZero();
            });

            // (d) A leaves: B is told the peer left and its remaining producer closed.
            String publisherPeerId = publisher.evaluate("sluice.state.peerId").asText();
            String audioProducerId = publisher.evaluate(
                    "sluice.state.producers.find(p => p.kind === 'audio').id").asText();
            publisher.evaluate("sluice.leave()");
            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(viewer.evaluate("sluice.notified('peerLeft').map(p => p.peerId)").toString())
                        .contains(publisherPeerId);
                assertThat(viewer.evaluate("sluice.notified('producerClosed').map(p => p.producerId)").toString())
                        .contains(audioProducerId);
                assertThat(viewer.evaluate("sluice.state.consumers.size").asInt()).isZero();
            });
            assertThat(viewer.evaluate("sluice.state.errors").toString()).isEqualTo("[]");
            assertThat(publisher.evaluate("sluice.state.errors").toString()).isEqualTo("[]");
        }
    }
}
