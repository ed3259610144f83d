package io.sluice.orchestrator.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.orchestrator.signaling.SignalingStack;
import io.sluice.worker.testsupport.ChromiumBrowser;
import io.sluice.worker.testsupport.ExternalTool;
import io.sluice.worker.testsupport.NetworkIsolation;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The unchanged mediasoup-client 3.24.1 in two Chromium instances against the orchestrator stub
 * and an in-process worker: peer A publishes the fake camera (VP8) and microphone from the demo
 * page, peer B joins the room and decodes A's video, forwarded by Sluice's SimpleConsumer.
 */
@Tag("browser")
class MediasoupClientInChromiumTest {

    private static final Duration WAIT = Duration.ofSeconds(40);

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

    private String pageUrl(String roomId, String token) {
        return "http://127.0.0.1:" + stack.port() + "/?room=" + roomId + "&token="
                + URLEncoder.encode(token, StandardCharsets.UTF_8);
    }

    @Test
    void aSecondPeerDecodesTheFirstPeersCameraThroughSluice() throws Exception {
        Path chromium = ExternalTool.require("chromium", "chromium");
        try (ChromiumBrowser publisher = ChromiumBrowser.launch(chromium, List.of());
                ChromiumBrowser viewer = ChromiumBrowser.launch(chromium, List.of())) {
            publisher.navigate(pageUrl("room-e2e", SignalingStack.token("alice", "room-e2e", "audio", "video")));
            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(publisher.evaluate("sluice.state.errors").toString()).isEqualTo("[]");
                assertThat(publisher.evaluate("sluice.state.producers.map(p => p.kind).sort()").toString())
                        .isEqualTo("[\"audio\",\"video\"]");
            });

            long joinStarted = System.nanoTime();
            viewer.navigate(pageUrl("room-e2e", SignalingStack.token("bob", "room-e2e")));
            long[] firstFrames = new long[1];
            await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
                assertThat(viewer.evaluate("sluice.state.errors").toString()).isEqualTo("[]");
                firstFrames[0] = viewer.evaluate("sluice.framesDecoded()").asLong();
                assertThat(firstFrames[0]).isPositive();
            });
            long joinToFirstFrameMs = (System.nanoTime() - joinStarted) / 1_000_000;
            System.out.printf("mediasoup-client in Chromium: join to first decoded frame %d ms (page load included)%n",
                    joinToFirstFrameMs);

            await().atMost(WAIT).untilAsserted(() -> assertThat(viewer.evaluate("sluice.framesDecoded()").asLong())
                    .as("frames keep being decoded").isGreaterThan(firstFrames[0] + 20));
            assertThat(viewer.evaluate("document.querySelectorAll('#videos video').length").asInt()).isEqualTo(1);
            assertThat(viewer.evaluate("""
                    (async () => {
                      for (const { consumer } of sluice.state.consumers.values()) {
                        if (consumer.kind !== 'video') continue;
                        return consumer.rtpParameters.codecs[0].mimeType;
                      }
                    })()""").asText()).isEqualTo("video/VP8");
        }
    }
}
