package io.sluice.orchestrator.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
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
 * The worker's bandwidth estimation towards a real receiver (issue 14): A publishes three
 * simulcast encodings from a 1280x720 capture; B, unshaped, climbs to the top layer (the probes on
 * the probator stream find the capacity); then the worker's port of B's receive transport is
 * shaped to 400 kbit/s ({@link LoopbackShaper}: tc HTB with a u32 filter, in the test's network
 * namespace): B settles on a layer that fits, keeps decoding at least half the frames A sends, and
 * receives under the limit; once the limit is lifted B climbs back to the top layer. The figures
 * (time to adapt down and up, frames, freezes, bitrate) are printed for docs/benchmarks.md.
 */
@Tag("browser")
class BandwidthAdaptationInChromiumTest {

    private static final int LIMIT_KBITS = 400;
    private static final int TOP_WIDTH = 1280;
    private static final Duration MEASURED = Duration.ofSeconds(15);
    private static final Duration SETTLE = Duration.ofSeconds(10);

    /** The worker's port of the selected candidate pair of the transport behind {@code statsPromise}. */
    private static final String WORKER_PORT = "(async (stats) => { const r = await stats; let pair;"
            + " r.forEach(s => { if (s.type === 'transport' && s.selectedCandidatePairId) pair = s.selectedCandidatePairId; });"
            + " if (!pair) r.forEach(s => { if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') pair = s.id; });"
            + " return r.get(r.get(pair).remoteCandidateId).port; })(%s)";
    /** B's video: decoded frames, bytes received, freezes (Chromium's getStats), the width it decodes. */
    private static final String VIEWER_VIDEO = "(async () => { const v = {frames: 0, bytes: 0, freezes: 0,"
            + " freezeSeconds: 0, width: 0}; for (const {consumer} of sluice.state.consumers.values()) {"
            + " if (consumer.kind !== 'video' || consumer.closed) continue; (await consumer.getStats()).forEach(s => {"
            + " if (s.type === 'inbound-rtp') { v.frames += s.framesDecoded || 0; v.bytes += s.bytesReceived || 0;"
            + " v.freezes += s.freezeCount || 0; v.freezeSeconds += s.totalFreezesDuration || 0;"
            + " v.width = Math.max(v.width, s.frameWidth || 0); } }); } return v; })()";
    /** The frames A sends on its busiest encoding. */
    private static final String PUBLISHER_FRAMES = "(async () => { let frames = 0;"
            + " (await sluice.state.producers[0].getStats()).forEach(s => {"
            + " if (s.type === 'outbound-rtp') frames = Math.max(frames, s.framesSent || 0); }); return frames; })()";

    /** What A sends per encoding: width, bitrate target and why Chromium limits it. */
    private static final String PUBLISHER_ENCODINGS = "(async () => { const e = [];"
            + " (await sluice.state.producers[0].getStats()).forEach(s => { if (s.type === 'outbound-rtp')"
            + " e.push({rid: s.rid, width: s.frameWidth, target: s.targetBitrate, limit: s.qualityLimitationReason}); });"
            + " return e; })()";

    private static SignalingStack stack;

    @BeforeAll
    static void start() throws Exception {
        NetworkIsolation.requireLoopbackOnly();
        stack = SignalingStack.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Tag("simulcast")
    void aViewerBehindA400KbitLinkSettlesOnAFittingLayerAndClimbsBackOnceItIsLifted() throws Exception {
        Path chromium = ExternalTool.require("chromium", "chromium");
        try (ChromiumBrowser publisher = ChromiumBrowser.launch(chromium, List.of());
                ChromiumBrowser viewer = ChromiumBrowser.launch(chromium, List.of());
                LoopbackShaper shaper = new LoopbackShaper()) {
            publisher.navigate(DemoPage.url(stack, "room-bwe", "alice", "&audio=0&simulcast=1", "video"));
            DemoPage.awaitPublishing(publisher, "[\"video\"]");
            viewer.navigate(DemoPage.url(stack, "room-bwe", "bob", ""));
            DemoPage.awaitFirstFrame(viewer);
            long joined = System.nanoTime();
            awaitTopLayer(publisher, viewer, "unshaped, the top layer");
            System.out.printf("bwe (Chromium): unshaped viewer at the top layer %d ms after its first frame%n",
                    (System.nanoTime() - joined) / 1_000_000);

            int viewerPort = viewer.evaluate(String.format(WORKER_PORT,
                    "[...sluice.state.consumers.values()].find(e => e.consumer.kind === 'video').consumer.getStats()")).asInt();
            int publisherPort = publisher.evaluate(String.format(WORKER_PORT, "sluice.state.producers[0].getStats()")).asInt();
            assertThat(viewerPort).as("B's receive transport has a worker port of its own").isNotEqualTo(publisherPort);

            shaper.shape(viewerPort, LIMIT_KBITS);
            long shapedAt = System.nanoTime();
            await().atMost(DemoPage.WAIT).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> assertThat(
                    viewer.evaluate(VIEWER_VIDEO).path("width").asInt()).as("a lower layer").isLessThan(TOP_WIDTH));
            long downMs = (System.nanoTime() - shapedAt) / 1_000_000;
            await().pollDelay(SETTLE).atMost(SETTLE.plusSeconds(1)).until(() -> true);

            JsonNode before = viewer.evaluate(VIEWER_VIDEO);
            long sentBefore = publisher.evaluate(PUBLISHER_FRAMES).asLong();
            long measuredFrom = System.nanoTime();
            StringBuilder timeline = new StringBuilder();
            for (long second = 0; second < MEASURED.toSeconds(); second++) {
                await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> true);
                JsonNode now = viewer.evaluate(VIEWER_VIDEO);
                timeline.append(' ').append(now.path("width").asInt()).append('/').append(now.path("frames").asLong());
            }
            JsonNode after = viewer.evaluate(VIEWER_VIDEO);
            System.out.println("bwe (Chromium): B width/frames each second:" + timeline + "; layers B was told: "
                    + viewer.evaluate("JSON.stringify(sluice.notified('consumerLayersChanged'))").asText());
            long sent = publisher.evaluate(PUBLISHER_FRAMES).asLong() - sentBefore;
            double seconds = (System.nanoTime() - measuredFrom) / 1e9;
            long decoded = after.path("frames").asLong() - before.path("frames").asLong();
            long kbits = Math.round((after.path("bytes").asLong() - before.path("bytes").asLong()) * 8 / seconds / 1000);
            long freezes = after.path("freezes").asLong() - before.path("freezes").asLong();
            double freezeSeconds = after.path("freezeSeconds").asDouble() - before.path("freezeSeconds").asDouble();
            System.out.printf("bwe (Chromium): B shaped to %d kbit/s: down to %d px wide after %d ms; over %.1f s"
                            + " at that layer B decoded %d of the %d frames A sent, received %d kbit/s,"
                            + " %d freezes (%.2f s)%n", LIMIT_KBITS, after.path("width").asInt(), downMs, seconds,
                    decoded, sent, kbits, freezes, freezeSeconds);
            assertThat(after.path("width").asInt()).as("a layer that fits").isLessThan(TOP_WIDTH);
            // A's and B's counters are read one after the other through WebDriver, so the two
            // windows differ at each end by up to one of B's frames: the layer this link carries
            // (temporal layer 1 of A's 20 fps, allocated as mediasoup does) is exactly half.
            assertThat(decoded).as("frames decoded of the %d sent", sent).isGreaterThanOrEqualTo(sent / 2 - 2);
            assertThat(kbits).as("received kbit/s").isLessThanOrEqualTo(LIMIT_KBITS);

            shaper.clear();
            long liftedAt = System.nanoTime();
            awaitTopLayer(publisher, viewer, "the top layer again");
            System.out.printf("bwe (Chromium): limit lifted: B back at the top layer after %d ms%n",
                    (System.nanoTime() - liftedAt) / 1_000_000);
            assertThat(viewer.evaluate("sluice.state.errors").toString()).isEqualTo("[]");
        }
    }

    /** Waits for B to decode the top layer; on a timeout, prints what A sent and what B was told. */
    private static void awaitTopLayer(ChromiumBrowser publisher, ChromiumBrowser viewer, String what) throws Exception {
        try {
            await().atMost(DemoPage.WAIT).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> assertThat(
                    viewer.evaluate(VIEWER_VIDEO).path("width").asInt()).as(what).isEqualTo(TOP_WIDTH));
        } catch (AssertionError | org.awaitility.core.ConditionTimeoutException e) {
            System.out.println("bwe (Chromium) " + what + " not reached: A sends " + publisher.evaluate(PUBLISHER_ENCODINGS)
                    + "; B was told " + viewer.evaluate("sluice.notified('consumerLayersChanged')"));
            throw e;
        }
    }
}
