package io.sluice.worker.router.observer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The scores of Volfin and Cohen's section 3.2 with the constants mediasoup and Jitsi use. */
class SpeakerActivityTest {

    @Test
    void binomialCoefficients() {
        assertThat(SpeakerActivity.binomialCoefficient(13, 0)).isEqualTo(1);
        assertThat(SpeakerActivity.binomialCoefficient(5, 5)).isEqualTo(1);
        assertThat(SpeakerActivity.binomialCoefficient(10, 4)).isEqualTo(210);
        assertThat(SpeakerActivity.binomialCoefficient(13, 6)).isEqualTo(1716);
    }

    @Test
    void scoresAreLogLikelihoodRatiosFlooredAtAPositiveMinimum() {
        // log C(13,12) + 12 log .5 + 1 log .5 - log .78 + .78 * 12
        assertThat(SpeakerActivity.score(12, 13, 0.5, 0.78))
                .isCloseTo(Math.log(13) + 13 * Math.log(0.5) - Math.log(0.78) + 0.78 * 12, within(1e-12));
        assertThat(SpeakerActivity.score(12, 13, 0.5, 0.78)).isCloseTo(3.1625, within(1e-3));
        assertThat(SpeakerActivity.score(0, 13, 0.5, 0.78)).isEqualTo(SpeakerActivity.MIN_SCORE);
        assertThat(SpeakerActivity.score(5, 5, 0.5, 24)).isCloseTo(5 * Math.log(0.5) - Math.log(24) + 120, within(1e-9));
    }

    @Test
    void volumesWithinOneSubUnitOfTheNoiseFloorAreSilence() {
        long now = 0;
        SpeakerActivity activity = new SpeakerActivity(now);
        // 13 sub-units of 10 over 0..127: the floor is the lowest non-zero volume, 40.
        for (int i = 0; i < SpeakerActivity.FRAMES; i++) {
            activity.onVolume(i % 2 == 0 ? 40 : 49, now += SpeakerActivity.FRAME_MS);
        }
        activity.evaluateScores();
        assertThat(activity.immediateScore()).isEqualTo(SpeakerActivity.MIN_SCORE);

        activity.onVolume(125, now += SpeakerActivity.FRAME_MS);
        activity.evaluateScores();
        assertThat(activity.immediateScore()).isEqualTo(SpeakerActivity.score(12, 13, 0.5, 0.78));
    }

    @Test
    void aGapBetweenPacketsStandsForItsFramesAndAnOldLevelIsIgnored() {
        SpeakerActivity activity = new SpeakerActivity(0);
        activity.onVolume(30, 20);
        // 100 ms later: five frames of the new volume, the whole medium block.
        activity.onVolume(120, 120);
        activity.onVolume(0, 60);
        activity.evaluateScores();

        assertThat(activity.lastHeardMs()).isEqualTo(120);
        assertThat(activity.mediumScore()).isEqualTo(SpeakerActivity.score(5, 5, 0.5, 24));
    }
}
