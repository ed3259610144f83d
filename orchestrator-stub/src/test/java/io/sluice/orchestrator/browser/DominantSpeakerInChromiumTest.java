package io.sluice.orchestrator.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.orchestrator.signaling.SignalingStack;
import io.sluice.worker.testsupport.ChromiumBrowser;
import io.sluice.worker.testsupport.ExternalTool;
import io.sluice.worker.testsupport.ManagedProcess;
import io.sluice.worker.testsupport.NetworkIsolation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The room's dominant speaker from real browsers: two Chromium peers whose fake microphones play
 * WAV files made by ffmpeg, one digital silence, the other speech-like (a gliding tone, amplitude
 * modulated at a syllable rate, in 800 ms spurts over a faint hum). Chromium writes the
 * ssrc-audio-level element from what it captures; the worker's active speaker observer reads it
 * and the stub relays "dominantSpeaker": the quiet peer joins first (so it is dominant first, as
 * the only producer), the speaking one takes over, both pages are told, and both outline the
 * speaker's card.
 */
@Tag("browser")
class DominantSpeakerInChromiumTest {

    private static final Duration WAIT = DemoPage.WAIT;
    private static final String ROOM = "room-speaker";

    private static SignalingStack stack;

    @TempDir
    static Path dir;

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

    /** A 10 s WAV (48 kHz mono) from an ffmpeg aevalsrc expression. */
    private static Path wav(String name, String expression) throws Exception {
        Path file = dir.resolve(name + ".wav");
        ManagedProcess ffmpeg = new ManagedProcess(List.of(ExternalTool.require("ffmpeg", "ffmpeg").toString(),
                "-hide_banner", "-nostdin", "-y", "-f", "lavfi", "-i",
                "aevalsrc=exprs='" + expression + "':s=48000:d=10", "-ac", "1", file.toString()),
                dir.resolve(name + ".log")).start();
        await().atMost(WAIT).until(() -> !ffmpeg.isAlive());
        assertThat(file).isNotEmptyFile();
        return file;
    }

    @Test
    void theSpeakingPeerIsTheDominantSpeakerOnEveryPage() throws Exception {
        Path silence = wav("silence", "0");
        Path speech = wav("speech", "0.5*sin(2*PI*(220+80*sin(2*PI*0.7*t))*t)*(0.6+0.4*sin(2*PI*4*t))"
                + "*lt(mod(t,1),0.8)+0.003*sin(2*PI*97*t)");
        Path chromium = ExternalTool.require("chromium", "chromium");
        try (ChromiumBrowser quiet = ChromiumBrowser.launch(chromium,
                List.of("--use-file-for-fake-audio-capture=" + silence));
                ChromiumBrowser speaking = ChromiumBrowser.launch(chromium,
                        List.of("--use-file-for-fake-audio-capture=" + speech))) {
            quiet.navigate(DemoPage.url(stack, ROOM, "alice", "", "audio"));
            DemoPage.awaitPublishing(quiet, "[\"audio\"]");
            String quietPeer = quiet.evaluate("sluice.state.peerId").asText();
            await().atMost(WAIT).untilAsserted(() -> assertThat(quiet.evaluate(
                    "sluice.notified('dominantSpeaker').map(d => d.peerId)").toString())
                    .as("the only producer is dominant at once").contains(quietPeer));

            speaking.navigate(DemoPage.url(stack, ROOM, "bob", "", "audio"));
            DemoPage.awaitPublishing(speaking, "[\"audio\"]");
            String speakingPeer = speaking.evaluate("sluice.state.peerId").asText();
            String speakingProducer = speaking.evaluate("sluice.state.producers[0].id").asText();

            for (ChromiumBrowser page : List.of(quiet, speaking)) {
                await().atMost(WAIT).untilAsserted(() -> {
                    assertThat(page.evaluate("sluice.state.dominantPeerId").asText()).isEqualTo(speakingPeer);
                    assertThat(page.evaluate("sluice.notified('dominantSpeaker').at(-1).producerId").asText())
                            .isEqualTo(speakingProducer);
                });
            }
            assertThat(speaking.evaluate("sluice.speakingCards()").toString()).isEqualTo("[\"self\"]");
            await().atMost(WAIT).untilAsserted(() -> assertThat(quiet.evaluate("sluice.speakingCards()").toString())
                    .isEqualTo("[\"" + speakingPeer + "\"]"));
            assertThat(quiet.evaluate("sluice.state.errors").toString()).isEqualTo("[]");
            assertThat(speaking.evaluate("sluice.state.errors").toString()).isEqualTo("[]");
        }
    }
}
