package io.sluice.orchestrator.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.orchestrator.signaling.SignalingStack;
import io.sluice.worker.testsupport.ChromiumBrowser;
import io.sluice.worker.testsupport.ExternalTool;
import io.sluice.worker.testsupport.NetworkIsolation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The demo page's layout in a two-peer call with Chromium's fake camera and microphone: a card per
 * peer labelled with its user name, its camera as the one video tile and its microphone with no
 * tile, a self view, camera off seen by the other peer, an audio-only peer shown by its initial,
 * the "Start audio" button for a viewer whose autoplay policy blocks sound, and leave. The screenshot of
 * the call is written to target/demo-page.png (docs/demo-page.png is one).
 */
@Tag("browser")
class DemoPageLayoutInChromiumTest {

    private static final String ROOM = "room-layout";
    /** Peers whose user allowed sound (headless Chromium's own policy wants a click first). */
    private static final List<String> WINDOW =
            List.of("--window-size=1280,720", "--autoplay-policy=no-user-gesture-required");

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
    void twoPeersSeeEachOtherLabelledWithSelfViewsAndWorkingControls() throws Exception {
        Path chromium = ExternalTool.require("chromium", "chromium");
        try (ChromiumBrowser alice = ChromiumBrowser.launch(chromium, WINDOW);
                ChromiumBrowser bob = ChromiumBrowser.launch(chromium, WINDOW)) {
            alice.navigate(DemoPage.url(stack, ROOM, "alice", "", "audio", "video"));
            DemoPage.awaitPublishing(alice, "[\"audio\",\"video\"]");
            bob.navigate(DemoPage.url(stack, ROOM, "bob", "", "audio", "video"));
            DemoPage.awaitPublishing(bob, "[\"audio\",\"video\"]");
            DemoPage.awaitFirstFrame(bob);
            DemoPage.awaitFirstFrame(alice);

            // Bob's page: alice's card by name, one video tile, her audio without a tile, his self view.
            await().atMost(DemoPage.WAIT).untilAsserted(() -> {
                assertThat(bob.evaluate("[...document.querySelectorAll('#videos .peer .label')]"
                        + ".map(l => l.textContent)").toString()).isEqualTo("[\"alice\"]");
                assertThat(bob.evaluate("document.querySelectorAll('#videos .peer video').length").asInt()).isEqualTo(1);
                assertThat(bob.evaluate("document.querySelectorAll('#videos .peer audio').length").asInt()).isEqualTo(1);
                assertThat(bob.evaluate("document.querySelectorAll('.tile audio, #videos .tile').length").asInt())
                        .as("only the video has a tile").isEqualTo(1);
                assertThat(bob.evaluate("document.querySelector('#videos .overlay').textContent").asText())
                        .startsWith("video of alice · ").containsPattern("[1-9][0-9]* kbps");
                assertThat(bob.evaluate("document.querySelector('#videos .audio-info').textContent").asText())
                        .startsWith("audio of alice · ");
            });
            assertThat(bob.evaluate("!document.getElementById('self').hidden"
                    + " && document.querySelectorAll('#self video').length === 1").asBoolean()).isTrue();
            assertThat(bob.evaluate("document.querySelector('#self .label').textContent").asText())
                    .isEqualTo("you (bob)");
            assertThat(bob.evaluate(visibleAndApart("#self .tile", "#videos .tile")).asBoolean())
                    .as("the self view and alice's tile are both shown, side by side").isTrue();
            assertThat(bob.evaluate("sluice.state.audioBlocked").asBoolean()).isFalse();
            assertThat(bob.evaluate("document.getElementById('start-audio').hidden").asBoolean()).isTrue();
            Path screenshot = Path.of("target", "demo-page.png");
            Files.write(screenshot, bob.screenshot());
            assertThat(Files.size(screenshot)).isGreaterThan(10_000);

            // Alice turns her camera off: her button says so, and bob's tile of her shows it.
            alice.evaluate("document.getElementById('camera').click()");
            await().atMost(DemoPage.WAIT).untilAsserted(() -> {
                assertThat(alice.evaluate("document.getElementById('camera').getAttribute('aria-pressed')").asText())
                        .isEqualTo("true");
                assertThat(bob.evaluate("document.querySelector('#videos .tile').classList.contains('paused')")
                        .asBoolean()).isTrue();
            });
            alice.evaluate("document.getElementById('camera').click()");
            await().atMost(DemoPage.WAIT).untilAsserted(() -> assertThat(bob.evaluate(
                    "document.querySelector('#videos .tile').classList.contains('paused')").asBoolean()).isFalse());

            // An audio-only peer: a card with her initial, no black tile.
            try (ChromiumBrowser carol = ChromiumBrowser.launch(chromium, WINDOW)) {
                carol.navigate(DemoPage.url(stack, ROOM, "carol", "", "audio"));
                DemoPage.awaitPublishing(carol, "[\"audio\"]");
                await().atMost(DemoPage.WAIT).untilAsserted(() -> {
                    assertThat(bob.evaluate("document.querySelector('#videos .peer[data-user-id=carol]')"
                            + "?.classList.contains('has-video')").toString()).isEqualTo("false");
                    assertThat(bob.evaluate("getComputedStyle(document.querySelector("
                            + "'#videos .peer[data-user-id=carol] .avatar')).display").asText()).isNotEqualTo("none");
                    assertThat(bob.evaluate("document.querySelectorAll('#videos .peer[data-user-id=carol] .tile')"
                            + ".length").asInt()).isZero();
                });
            }

            // A viewer whose browser refuses sound without a click (Chromium's default): the button.
            try (ChromiumBrowser dave = ChromiumBrowser.launch(chromium,
                    List.of("--window-size=1280,720", "--autoplay-policy=user-gesture-required"))) {
                dave.navigate(DemoPage.url(stack, ROOM, "dave", ""));
                await().atMost(DemoPage.WAIT).untilAsserted(() -> {
                    assertThat(dave.evaluate("document.querySelectorAll('#videos .peer audio').length").asInt())
                            .isGreaterThanOrEqualTo(2);
                    assertThat(dave.evaluate("sluice.state.audioBlocked").asBoolean()).isTrue();
                    assertThat(dave.evaluate("document.getElementById('start-audio').hidden").asBoolean()).isFalse();
                    assertThat(dave.evaluate("document.getElementById('self').hidden").asBoolean())
                            .as("a viewer has no self view").isTrue();
                });
            }

            // Bob leaves: alice's card of him goes, his camera stops.
            bob.evaluate("document.getElementById('leave').click()");
            await().atMost(DemoPage.WAIT).untilAsserted(() -> {
                assertThat(alice.evaluate("document.querySelectorAll('#videos .peer[data-user-id=bob]').length")
                        .asInt()).isZero();
                assertThat(bob.evaluate("document.getElementById('self').hidden").asBoolean()).isTrue();
                assertThat(bob.evaluate("document.getElementById('status').textContent").asText())
                        .startsWith("left the room");
            });
            assertThat(alice.evaluate("sluice.state.errors").toString()).isEqualTo("[]");
            assertThat(bob.evaluate("sluice.state.errors").toString()).isEqualTo("[]");
        }
    }

    /** Both elements have a size and do not overlap. */
    private static String visibleAndApart(String first, String second) {
        return "(() => { const a = document.querySelector('" + first + "').getBoundingClientRect();"
                + " const b = document.querySelector('" + second + "').getBoundingClientRect();"
                + " return a.width > 100 && a.height > 100 && b.width > 100 && b.height > 100"
                + " && (a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top); })()";
    }
}
