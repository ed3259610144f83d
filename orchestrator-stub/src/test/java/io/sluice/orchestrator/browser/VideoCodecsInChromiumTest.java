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
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Chromium publishes its fake camera with the codec the demo page is asked for
 * ({@code ?codec=}, mediasoup-client's {@code produce({codec})} picking it from
 * {@code device.rtpCapabilities}), and a second Chromium decodes it through Sluice; then simulcast
 * (three encodings from a 1280x720 capture) with the receiver switching spatial layers.
 */
@Tag("browser")
class VideoCodecsInChromiumTest {

    private static SignalingStack stack;

    @BeforeAll
    static void start() throws Exception {
        NetworkIsolation.requireLoopbackOnly();
        assertThat(VideoCodecsInChromiumTest.class.getClassLoader().getResource("web/app.js"))
                .as("the demo page bundle (orchestrator-stub/web/build.sh runs in generate-resources)").isNotNull();
        stack = SignalingStack.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @ParameterizedTest
    @CsvSource({"h264, video/H264", "vp9, video/VP9"})
    void aViewerDecodesTheCodecThePublisherChose(String codec, String mimeType) throws Exception {
        Path chromium = ExternalTool.require("chromium", "chromium");
        String room = "room-" + codec;
        try (ChromiumBrowser publisher = ChromiumBrowser.launch(chromium, List.of());
                ChromiumBrowser viewer = ChromiumBrowser.launch(chromium, List.of())) {
            publisher.navigate(DemoPage.url(stack, room, "alice", "&audio=0&codec=" + codec, "video"));
            DemoPage.awaitPublishing(publisher, "[\"video\"]");
            assertThat(publisher.evaluate("sluice.state.producers[0].rtpParameters.codecs[0].mimeType").asText())
                    .isEqualToIgnoringCase(mimeType);

            long joinStarted = System.nanoTime();
            viewer.navigate(DemoPage.url(stack, room, "bob", ""));
            long firstFrames = DemoPage.awaitFirstFrame(viewer);
            DemoPage.printJoinToFirstFrame(codec.toUpperCase(java.util.Locale.ROOT) + ", B joins a publishing room",
                    viewer, (System.nanoTime() - joinStarted) / 1_000_000);
            assertThat(DemoPage.videoMimeType(viewer)).isEqualToIgnoringCase(mimeType);
            await().atMost(DemoPage.WAIT).untilAsserted(() -> assertThat(viewer.evaluate("sluice.framesDecoded()")
                    .asLong()).as("frames keep being decoded").isGreaterThan(firstFrames + 20));
            assertThat(viewer.evaluate("sluice.state.errors").toString()).isEqualTo("[]");
        }
    }

    /**
     * Needs the worker's simulcast consumer: skipped (not failed) while the consume response's
     * type is not "simulcast" or the worker refuses the simulcast producer.
     */
    @Test
    @Tag("simulcast")
    void theViewerSwitchesSimulcastLayersAndReceivesTheirResolutions() throws Exception {
        Path chromium = ExternalTool.require("chromium", "chromium");
        String room = "room-simulcast";
        try (ChromiumBrowser publisher = ChromiumBrowser.launch(chromium, List.of());
                ChromiumBrowser viewer = ChromiumBrowser.launch(chromium, List.of())) {
            publisher.navigate(DemoPage.url(stack, room, "alice", "&audio=0&simulcast=1", "video"));
            viewer.navigate(DemoPage.url(stack, room, "bob", ""));
            await().atMost(DemoPage.WAIT).until(() -> publisher.evaluate("sluice.state.errors.length").asInt() > 0
                    || viewer.evaluate("sluice.state.errors.length").asInt() > 0
                    || viewer.evaluate("[...sluice.state.consumers.values()].some(e => e.consumer.kind === 'video')")
                            .asBoolean());
            String publisherErrors = publisher.evaluate("sluice.state.errors").toString();
            String viewerErrors = viewer.evaluate("sluice.state.errors").toString();
            Assumptions.assumeFalse((publisherErrors + viewerErrors).contains("UNSUPPORTED"),
                    "the worker does not take a simulcast producer or consume it yet: publisher " + publisherErrors
                            + ", viewer " + viewerErrors);
            assertThat(publisherErrors).isEqualTo("[]");
            assertThat(viewerErrors).isEqualTo("[]");
            String type = viewer.evaluate("[...sluice.state.consumers.values()]"
                    + ".find(e => e.consumer.kind === 'video').type").asText();
            Assumptions.assumeTrue(type.equals("simulcast"),
                    "the worker answers consume with a " + type + " consumer, not simulcast, yet");

            String consumerId = viewer.evaluate("[...sluice.state.consumers.values()]"
                    + ".find(e => e.consumer.kind === 'video').consumer.id").asText();
            DemoPage.awaitFirstFrame(viewer);
            await().atMost(DemoPage.WAIT).untilAsserted(() -> assertThat(viewer.evaluate("sluice.frameWidth()")
                    .asInt()).as("the highest layer by default").isEqualTo(1280));

            viewer.evaluate("sluice.setPreferredLayers('" + consumerId + "', 0)");
            await().atMost(DemoPage.WAIT).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> assertThat(
                    viewer.evaluate("sluice.frameWidth()").asInt()).as("layer r0, 1/4 scale").isEqualTo(320));
            await().atMost(DemoPage.WAIT).untilAsserted(() -> assertThat(viewer.evaluate(
                    "sluice.notified('consumerLayersChanged').some(l => l.spatialLayer === 0)").asBoolean())
                    .as("layerschange is relayed").isTrue());

            viewer.evaluate("sluice.setPreferredLayers('" + consumerId + "', 1)");
            await().atMost(DemoPage.WAIT).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> assertThat(
                    viewer.evaluate("sluice.frameWidth()").asInt()).as("layer r1, 1/2 scale").isEqualTo(640));
            await().atMost(DemoPage.WAIT).untilAsserted(() -> assertThat(viewer.evaluate(
                    "sluice.notified('consumerLayersChanged').some(l => l.spatialLayer === 1)").asBoolean())
                    .as("layerschange is relayed again").isTrue());
            long frames = viewer.evaluate("sluice.framesDecoded()").asLong();
            await().atMost(DemoPage.WAIT).untilAsserted(() -> assertThat(viewer.evaluate("sluice.framesDecoded()")
                    .asLong()).as("frames keep being decoded after the switches").isGreaterThan(frames + 20));
            assertThat(viewer.evaluate("sluice.state.errors").toString()).isEqualTo("[]");
        }
    }

    /**
     * VP9 SVC as Chromium sends it (one encoding, scalability mode L3T3_KEY, spatial layers of 320,
     * 640 and 1280 pixels' width): the worker's SVC consumer forwards the spatial layers up to the
     * preferred one, and the viewer decodes each target layer at its own resolution.
     */
    @Test
    @Tag("svc")
    void theViewerDecodesEachVp9SvcSpatialLayerItPrefers() throws Exception {
        Path chromium = ExternalTool.require("chromium", "chromium");
        String room = "room-svc";
        try (ChromiumBrowser publisher = ChromiumBrowser.launch(chromium, List.of());
                ChromiumBrowser viewer = ChromiumBrowser.launch(chromium, List.of())) {
            publisher.navigate(DemoPage.url(stack, room, "alice", "&audio=0&codec=vp9&svc=L3T3_KEY", "video"));
            DemoPage.awaitPublishing(publisher, "[\"video\"]");
            assertThat(publisher.evaluate("sluice.state.producers[0].rtpParameters.encodings[0].scalabilityMode")
                    .asText()).isEqualTo("L3T3_KEY");
            viewer.navigate(DemoPage.url(stack, room, "bob", ""));
            DemoPage.awaitFirstFrame(viewer);
            assertThat(viewer.evaluate("[...sluice.state.consumers.values()]"
                    + ".find(e => e.consumer.kind === 'video').type").asText()).isEqualTo("svc");
            String consumerId = viewer.evaluate("[...sluice.state.consumers.values()]"
                    + ".find(e => e.consumer.kind === 'video').consumer.id").asText();
            await().atMost(DemoPage.WAIT).untilAsserted(() -> assertThat(viewer.evaluate("sluice.frameWidth()")
                    .asInt()).as("every spatial layer by default").isEqualTo(1280));

            int[] widths = {320, 640};
            for (int spatialLayer = 0; spatialLayer < widths.length; spatialLayer++) {
                int layer = spatialLayer;
                viewer.evaluate("sluice.setPreferredLayers('" + consumerId + "', " + layer + ")");
                await().atMost(DemoPage.WAIT).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> assertThat(
                        viewer.evaluate("sluice.frameWidth()").asInt()).as("spatial layer %d", layer)
                        .isEqualTo(widths[layer]));
                long frames = viewer.evaluate("sluice.framesDecoded()").asLong();
                await().atMost(DemoPage.WAIT).untilAsserted(() -> assertThat(viewer.evaluate("sluice.framesDecoded()")
                        .asLong()).as("spatial layer %d keeps decoding", layer).isGreaterThan(frames + 20));
                await().atMost(DemoPage.WAIT).untilAsserted(() -> assertThat(viewer.evaluate(
                        "sluice.notified('consumerLayersChanged').some(l => l.spatialLayer === " + layer + ")")
                        .asBoolean()).as("layerschange for spatial layer %d", layer).isTrue());
            }
            assertThat(viewer.evaluate("sluice.state.errors").toString()).isEqualTo("[]");
            assertThat(publisher.evaluate("sluice.state.errors").toString()).isEqualTo("[]");
        }
    }
}
