package io.sluice.worker.router.observer;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.worker.testsupport.TestClock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongToIntFunction;
import org.junit.jupiter.api.Test;

/**
 * The dominant speaker identification on the test clock: speakers send one level per 20 ms frame,
 * as Opus does, and a decision is made every 300 ms (mediasoup's default interval). Speech is
 * modelled as talk spurts above a background: 800 ms at a loud, slightly varying volume, then
 * 200 ms at the background level, which the algorithm learns as the speaker's noise floor.
 */
class DominantSpeakerIdentificationTest {

    private static final int BACKGROUND = 40;
    private static final long DECISION_MS = 300;

    private final TestClock clock = new TestClock();
    private final DominantSpeakerIdentification<String> identification = new DominantSpeakerIdentification<>();
    private final Map<String, SpeakerActivity> speakers = new LinkedHashMap<>();
    /** Each change: "<ms since start> <speaker>". */
    private final List<String> changes = new ArrayList<>();
    private final long start = clock.monotonicMillis();
    private long frame;

    /** Talk spurts of 800 ms at about {@code volume}, 200 ms of background between them. */
    private static LongToIntFunction speaking(int volume) {
        return frame -> frame % 50 < 40 ? volume + (int) (frame % 3) : BACKGROUND;
    }

    private static final LongToIntFunction QUIET = frame -> BACKGROUND;

    private void add(String speaker) {
        speakers.put(speaker, identification.add(speaker, clock.monotonicMillis()));
    }

    /** Runs {@code ms} of frames with each speaker's voice, deciding every 300 ms. */
    private void run(long ms, Map<String, LongToIntFunction> voices) {
        for (long t = 0; t < ms; t += SpeakerActivity.FRAME_MS) {
            long now = clock.advanceMillis(SpeakerActivity.FRAME_MS);
            frame++;
            voices.forEach((speaker, voice) -> speakers.get(speaker).onVolume(voice.applyAsInt(frame), now));
            if ((now - start) % DECISION_MS == 0) {
                String chosen = identification.decide(now);
                if (chosen != null) {
                    changes.add((now - start) + " " + chosen);
                }
            }
        }
    }

    @Test
    void aLoneSpeakerIsDominantAtTheFirstDecisionEvenSilent() {
        add("a");

        run(DECISION_MS, Map.of("a", QUIET));

        assertThat(changes).containsExactly("300 a");
        assertThat(identification.dominant()).isEqualTo("a");
    }

    @Test
    void theLouderSpeakerTakesOverAndTheOtherTakesItBackWhenTheySwap() {
        add("a");
        add("b");

        run(3000, Map.of("a", QUIET, "b", speaking(110)));
        // The first added is nominated at the first decision, then beaten by the one speaking.
        assertThat(changes).first().isEqualTo("300 a");
        assertThat(changes).hasSize(2);
        assertThat(changes.get(1)).endsWith(" b");
        assertThat(identification.dominant()).isEqualTo("b");

        changes.clear();
        run(3000, Map.of("a", speaking(110), "b", QUIET));

        assertThat(changes).hasSize(1);
        assertThat(changes.get(0)).endsWith(" a");
        // Within a long interval (1 s) and a few decisions of the swap.
        assertThat(Long.parseLong(changes.get(0).split(" ")[0])).isLessThanOrEqualTo(3000 + 2000);
    }

    @Test
    void twoSpeakersAtTheSameLevelDoNotTakeTheFloorFromEachOther() {
        add("a");
        add("b");
        run(3000, Map.of("a", speaking(110), "b", QUIET));
        changes.clear();

        run(5000, Map.of("a", speaking(110), "b", speaking(112)));

        assertThat(changes).isEmpty();
        assertThat(identification.dominant()).isEqualTo("a");
    }

    @Test
    void anInterjectionInTheDominantSpeakersPauseDoesNotTakeOver() {
        add("a");
        add("b");
        run(3000, Map.of("a", speaking(100), "b", QUIET));
        changes.clear();

        // b speaks loudly for 200 ms exactly while a is between two talk spurts.
        run(3000, Map.of("a", speaking(100), "b", frame -> frame % 50 >= 40 ? 120 : BACKGROUND));

        assertThat(changes).isEmpty();
        assertThat(identification.dominant()).isEqualTo("a");
    }

    @Test
    void aSteadyLevelIsTheSpeakersNoiseFloorNotSpeech() {
        add("a");
        add("b");

        run(5000, Map.of("a", QUIET, "b", frame -> 100));

        assertThat(changes).containsExactly("300 a");
    }

    @Test
    void aPausedSpeakerDoesNotChallenge() {
        add("a");
        add("b");
        identification.setPaused("b", true);

        run(3000, Map.of("a", QUIET, "b", speaking(110)));

        assertThat(changes).containsExactly("300 a");
    }

    @Test
    void aSpeakerThatStopsSendingFallsSilentAndLosesTheFloor() {
        add("a");
        add("b");
        run(3000, Map.of("a", QUIET, "b", speaking(110)));
        assertThat(identification.dominant()).isEqualTo("b");
        changes.clear();

        // b sends nothing at all (muted, or its packets lost): its gaps count as silence.
        run(3000, Map.of("a", speaking(110)));

        assertThat(changes).hasSize(1);
        assertThat(changes.get(0)).endsWith(" a");
    }

    @Test
    void whenTheDominantSpeakerLeavesTheOthersAreDecidedAmong() {
        add("a");
        add("b");
        add("c");
        run(3000, Map.of("a", QUIET, "b", speaking(110), "c", QUIET));
        assertThat(identification.dominant()).isEqualTo("b");

        identification.remove("b");
        speakers.remove("b");

        assertThat(identification.dominant()).isNull();
        assertThat(identification.decide(clock.monotonicMillis())).isEqualTo("a");
    }
}
