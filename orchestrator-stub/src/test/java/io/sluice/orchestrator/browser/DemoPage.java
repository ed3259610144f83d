package io.sluice.orchestrator.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.orchestrator.signaling.SignalingStack;
import io.sluice.worker.testsupport.ChromiumBrowser;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The demo page (orchestrator-stub/web/src/app.js) as the browser tests drive it through {@code window.sluice}. */
final class DemoPage {

    static final Duration WAIT = Duration.ofSeconds(40);

    private DemoPage() {}

    /** The page joining {@code roomId} as {@code userId}; {@code query} is added as is ("&codec=vp9"). */
    static String url(SignalingStack stack, String roomId, String userId, String query, String... permissions) {
        return url(stack.port(), roomId, userId, query, permissions);
    }

    /** As {@link #url(SignalingStack, String, String, String, String...)}, for the signaling server on {@code port}. */
    static String url(int port, String roomId, String userId, String query, String... permissions) {
        return "http://127.0.0.1:" + port + "/?room=" + roomId + "&token="
                + URLEncoder.encode(SignalingStack.token(userId, roomId, permissions), StandardCharsets.UTF_8) + query;
    }

    /** Waits until the page publishes exactly these kinds (a sorted JSON array) without errors. */
    static void awaitPublishing(ChromiumBrowser page, String kinds) {
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(page.evaluate("sluice.state.errors").toString()).isEqualTo("[]");
            assertThat(page.evaluate("sluice.state.producers.map(p => p.kind).sort()").toString()).isEqualTo(kinds);
        });
    }

    /** Waits for the first decoded video frame; answers the frames decoded then. */
    static long awaitFirstFrame(ChromiumBrowser page) {
        long[] frames = new long[1];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            assertThat(page.evaluate("sluice.state.errors").toString()).isEqualTo("[]");
            frames[0] = page.evaluate("sluice.framesDecoded()").asLong();
            assertThat(frames[0]).isPositive();
        });
        return frames[0];
    }

    /**
     * Prints both measures: from navigation (page load included) to the first decoded frame seen
     * by polling getStats every 50 ms, and the page's own from its join request to the first
     * frame shown (requestVideoFrameCallback).
     */
    static void printJoinToFirstFrame(String what, ChromiumBrowser page, long fromNavigationMs) throws Exception {
        await().atMost(WAIT).until(() -> page.evaluate("sluice.joinToFirstFrameMs()").asLong() > 0);
        System.out.printf("join to first frame (%s): %d ms from join request to first frame shown; "
                        + "%d ms from navigation to first decoded frame%n", what,
                page.evaluate("sluice.joinToFirstFrameMs()").asLong(), fromNavigationMs);
    }

    /** The mime type of the page's (first) video consumer. */
    static String videoMimeType(ChromiumBrowser page) throws Exception {
        return page.evaluate("[...sluice.state.consumers.values()].find(e => e.consumer.kind === 'video')"
                + ".consumer.rtpParameters.codecs[0].mimeType").asText();
    }
}
