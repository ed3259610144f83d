package io.sluice.worker.router.observer;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The global decision of Volfin and Cohen's dominant speaker identification ("Dominant Speaker
 * Identification for Multipoint Videoconferencing", Computer Speech and Language 27(4), 2013,
 * section 3.3), as Jitsi and mediasoup run it: every decision interval, each speaker that is not
 * the dominant one is compared with it on the three time scales of {@link SpeakerActivity}. It
 * takes over only when its scores exceed the dominant speaker's by the thresholds {@link #C1},
 * {@link #C2} and {@link #C3} (log ratios) on all three at once: that is the hysteresis that keeps
 * a cough, a short interjection or two people at the same level from switching the speaker. Among
 * several challengers the one with the largest medium-scale ratio wins. A lone speaker is dominant
 * at once; with none dominant yet, the first one added is nominated and must be beaten.
 *
 * <p>Speakers are compared in the order they were added. Paused speakers do not compete (a paused
 * dominant speaker stays dominant until beaten). A speaker that sent nothing for
 * {@link #LEVEL_IDLE_TIMEOUT_MS} has the gap counted as silence at each decision; one that sent
 * no level for {@link #SPEAKER_IDLE_TIMEOUT_MS} does not challenge until it sends again. Runs on the router's loop; the time is the
 * injected clock's, given by the caller.
 *
 * @param <K> what identifies a speaker (a producer)
 */
public final class DominantSpeakerIdentification<K> {

    /** Log ratio of the immediate scores a challenger must exceed. */
    static final double C1 = 3;
    /** Log ratio of the medium scores a challenger must exceed. */
    static final double C2 = 2;
    /** Log ratio of the long scores a challenger must exceed. */
    static final double C3 = 0;
    /** A speaker with no level for this long has the gap counted as silence. */
    static final long LEVEL_IDLE_TIMEOUT_MS = 40;
    /** A non-dominant speaker with no level for this long stops competing until it sends again. */
    static final long SPEAKER_IDLE_TIMEOUT_MS = 60 * 60 * 1000;

    private final Map<K, SpeakerActivity> speakers = new LinkedHashMap<>();
    private K dominant;

    /** Adds a speaker (no-op when present); returns its activity, which takes its levels. */
    public SpeakerActivity add(K speaker, long nowMs) {
        return speakers.computeIfAbsent(speaker, key -> new SpeakerActivity(nowMs));
    }

    /** Removes a speaker; when it was the dominant one, none is dominant until the next decision. */
    public void remove(K speaker) {
        speakers.remove(speaker);
        if (speaker.equals(dominant)) {
            dominant = null;
        }
    }

    public boolean contains(K speaker) {
        return speakers.containsKey(speaker);
    }

    /** A paused speaker keeps its history but does not compete. */
    public void setPaused(K speaker, boolean paused) {
        SpeakerActivity activity = speakers.get(speaker);
        if (activity != null) {
            activity.setPaused(paused);
        }
    }

    /** The dominant speaker, or null before the first decision and after it left. */
    public K dominant() {
        return dominant;
    }

    /**
     * Counts idle speakers' gaps as silence, then decides. Returns the new dominant speaker when
     * it changed, null otherwise.
     */
    public K decide(long nowMs) {
        timeOutIdleSpeakers(nowMs);
        if (speakers.isEmpty()) {
            return null;
        }
        K chosen = speakers.size() == 1 ? speakers.keySet().iterator().next() : challenge(nowMs);
        if (chosen == null || chosen.equals(dominant)) {
            return null;
        }
        dominant = chosen;
        return chosen;
    }

    /** The speaker who beats the dominant one (the first one added stands in when none is), or null. */
    private K challenge(long nowMs) {
        Iterator<Map.Entry<K, SpeakerActivity>> entries = speakers.entrySet().iterator();
        K chosen = null;
        SpeakerActivity incumbent = dominant == null ? null : speakers.get(dominant);
        if (incumbent == null) {
            Map.Entry<K, SpeakerActivity> first = entries.next();
            chosen = first.getKey();
            incumbent = first.getValue();
        }
        incumbent.evaluateScores();
        double bestMedium = C2;
        for (Map.Entry<K, SpeakerActivity> entry : speakers.entrySet()) {
            SpeakerActivity challenger = entry.getValue();
            if (challenger == incumbent || challenger.paused()
                    || nowMs - challenger.lastHeardMs() > SPEAKER_IDLE_TIMEOUT_MS) {
                continue;
            }
            challenger.evaluateScores();
            double immediate = Math.log(challenger.immediateScore() / incumbent.immediateScore());
            double medium = Math.log(challenger.mediumScore() / incumbent.mediumScore());
            double longTerm = Math.log(challenger.longScore() / incumbent.longScore());
            if (immediate > C1 && medium > C2 && longTerm > C3 && medium > bestMedium) {
                bestMedium = medium;
                chosen = entry.getKey();
            }
        }
        return chosen;
    }

    private void timeOutIdleSpeakers(long nowMs) {
        for (SpeakerActivity activity : speakers.values()) {
            if (nowMs - activity.lastFrameMs() > LEVEL_IDLE_TIMEOUT_MS) {
                activity.onIdle(nowMs);
            }
        }
    }
}
