package io.sluice.worker.router.observer;

/**
 * One speaker's speech activity as the dominant speaker identification of Volfin and Cohen
 * ("Dominant Speaker Identification for Multipoint Videoconferencing", Computer Speech and
 * Language 27(4), 2013) scores it, in the adaptation Jitsi's DominantSpeakerIdentification and
 * mediasoup's ActiveSpeakerObserver make of it: the paper scores the active frequency sub-bands of
 * each frame; without decoding audio, the speaker's RFC 6464 audio level stands in for them. A
 * level, as a volume from 0 (silence) to 127, is cut into {@link #N1} sub-units, and the sub-unit
 * it falls in counts as that frame's number of active sub-bands.
 *
 * <p>The paper's three time scales, one frame every {@link #FRAME_MS}:
 * <ul>
 * <li>immediate: the latest frame, its active sub-bands out of {@code N1};
 * <li>medium: the latest block of {@link #N2} frames, how many are active (more than
 *     {@link #MEDIUM_THRESHOLD} sub-bands);
 * <li>long: the latest {@link #N3} blocks, how many are fully active (more than
 *     {@link #LONG_THRESHOLD} active frames).
 * </ul>
 * Each count {@code v} out of {@code n} is scored as the log-likelihood ratio of speech over
 * non-speech of the paper's section 3 (binomial speech model with p = 0.5, exponential
 * non-speech model with rate lambda), floored at a small positive value so that ratios exist.
 *
 * <p>A speaker's noise floor is the lowest non-zero volume it sent (raised slowly, by a geometric
 * mean, when a 15 s window shows a higher minimum): volumes within one sub-unit of it count as
 * silence, so that a steady background does not look like speech. Nothing is allocated after
 * construction; everything runs on the router's loop.
 */
public final class SpeakerActivity {

    /** Sub-bands of the immediate scale (the paper's N1): the volume range is cut into 13 sub-units. */
    static final int N1 = 13;
    /** Frames per medium block (N2). */
    static final int N2 = 5;
    /** Medium blocks per long interval (N3). */
    static final int N3 = 10;
    /** A frame with more active sub-bands than this is active at the medium scale. */
    static final int MEDIUM_THRESHOLD = 7;
    /** A block with more active frames than this is active at the long scale. */
    static final int LONG_THRESHOLD = 4;
    static final int MAX_VOLUME = 127;
    /** The volume of absolute silence (RFC 6464 level 127 dBov below the overload point). */
    static final int SILENCE = 0;
    /** The width of one sub-unit of the volume range. */
    static final int SUB_UNIT = (MAX_VOLUME - SILENCE + N1 - 1) / N1;
    /** The algorithm expects one level per 20 ms frame, the common Opus packet duration. */
    static final long FRAME_MS = 20;
    /** Frames of history: one long interval. */
    static final int FRAMES = N3 * N2;
    /** Frames over which a higher noise floor is looked for: 15 s. */
    static final int MIN_LEVEL_WINDOW = (int) (15_000 / FRAME_MS);
    /** The floor of every score: positive, so that scores can be divided and their logarithm taken. */
    static final double MIN_SCORE = 1e-10;

    /** Volumes of the last {@link #FRAMES} frames, a ring; {@code nextFrame} is where the next one goes. */
    private final byte[] volumes = new byte[FRAMES];
    private int nextFrame;
    /** Active sub-bands per frame, newest first. */
    private final byte[] immediates = new byte[FRAMES];
    /** Active frames per medium block, newest first. */
    private final byte[] mediums = new byte[N3];
    /** Active blocks in the long interval. */
    private final byte[] longs = new byte[1];
    private double immediateScore = MIN_SCORE;
    private double mediumScore = MIN_SCORE;
    private double longScore = MIN_SCORE;
    private int minVolume = SILENCE;
    private int nextMinVolume = SILENCE;
    private int nextMinVolumeFrames;
    /** When the last frame was recorded, a level or an idle gap. */
    private long lastFrameMs;
    /** When the speaker's last level arrived. */
    private long lastHeardMs;
    private boolean paused;

    /** @param nowMs when the speaker joined: a silence from then on counts as frames of silence */
    public SpeakerActivity(long nowMs) {
        this.lastFrameMs = nowMs;
        this.lastHeardMs = nowMs;
    }

    /**
     * A level arrived: {@code volume} from 0 (silence) to 127 (the loudest). A packet after a gap
     * (a longer packet time, DTX, a pause) stands for every 20 ms frame of the gap, up to the
     * whole history. A level older than the last one is ignored.
     */
    public void onVolume(int volume, long nowMs) {
        if (nowMs >= lastFrameMs) {
            lastHeardMs = nowMs;
            record(volume, nowMs);
        }
    }

    /** No level arrived for a while: the time since the last frame is silence. */
    void onIdle(long nowMs) {
        if (nowMs >= lastFrameMs) {
            record(SILENCE, nowMs);
        }
    }

    private void record(int volume, long nowMs) {
        long elapsed = nowMs - lastFrameMs;
        lastFrameMs = nowMs;
        int clamped = Math.max(SILENCE, Math.min(MAX_VOLUME, volume));
        long frames = Math.min(Math.max(elapsed / FRAME_MS, 1), FRAMES);
        for (int i = 0; i < frames; i++) {
            volumes[nextFrame] = (byte) clamped;
            nextFrame = (nextFrame + 1) % FRAMES;
        }
        updateMinVolume(clamped);
    }

    long lastFrameMs() {
        return lastFrameMs;
    }

    long lastHeardMs() {
        return lastHeardMs;
    }

    boolean paused() {
        return paused;
    }

    void setPaused(boolean paused) {
        this.paused = paused;
    }

    /** Recomputes the three scores from the history; a scale is recomputed only when the one below it changed. */
    void evaluateScores() {
        if (computeImmediates()) {
            immediateScore = score(immediates[0], N1, 0.5, 0.78);
            if (countActive(immediates, mediums, MEDIUM_THRESHOLD)) {
                mediumScore = score(mediums[0], N2, 0.5, 24);
                if (countActive(mediums, longs, LONG_THRESHOLD)) {
                    longScore = score(longs[0], N3, 0.5, 47);
                }
            }
        }
    }

    double immediateScore() {
        return immediateScore;
    }

    double mediumScore() {
        return mediumScore;
    }

    double longScore() {
        return longScore;
    }

    /** Frames within one sub-unit of the noise floor count as silence; the others by their sub-unit. */
    private boolean computeImmediates() {
        int floor = minVolume + SUB_UNIT;
        boolean changed = false;
        for (int i = 0; i < FRAMES; i++) {
            int volume = volumes[Math.floorMod(nextFrame - 1 - i, FRAMES)];
            byte immediate = (byte) ((volume < floor ? SILENCE : volume) / SUB_UNIT);
            if (immediates[i] != immediate) {
                immediates[i] = immediate;
                changed = true;
            }
        }
        return changed;
    }

    /** Each big is how many of its share of the littles exceed {@code threshold}; whether any big changed. */
    private static boolean countActive(byte[] littles, byte[] bigs, int threshold) {
        int perBig = littles.length / bigs.length;
        boolean changed = false;
        for (int b = 0, l = 0; b < bigs.length; b++) {
            byte count = 0;
            for (int end = l + perBig; l < end; l++) {
                if (littles[l] > threshold) {
                    count++;
                }
            }
            if (bigs[b] != count) {
                bigs[b] = count;
                changed = true;
            }
        }
        return changed;
    }

    /**
     * The log-likelihood ratio of {@code active} active units out of {@code units} (Volfin and
     * Cohen, section 3.2): log C(n, v) + v log p + (n - v) log(1 - p) - log lambda + lambda v.
     */
    static double score(int active, int units, double p, double lambda) {
        double score = Math.log(binomialCoefficient(units, active)) + active * Math.log(p)
                + (units - active) * Math.log(1 - p) - Math.log(lambda) + lambda * active;
        return Math.max(score, MIN_SCORE);
    }

    static long binomialCoefficient(int n, int r) {
        int larger = Math.max(r, n - r);
        long result = 1;
        for (int i = n, j = 1; i > larger; i--, j++) {
            result = result * i / j;
        }
        return result;
    }

    /**
     * The noise floor follows the lowest non-zero volume at once when it falls, and rises to the
     * geometric mean of itself and a window's minimum once a whole window stayed above it.
     */
    private void updateMinVolume(int volume) {
        if (volume == SILENCE) {
            return;
        }
        if (minVolume == SILENCE || minVolume > volume) {
            minVolume = volume;
            nextMinVolume = SILENCE;
            nextMinVolumeFrames = 0;
            return;
        }
        if (nextMinVolume == SILENCE) {
            nextMinVolume = volume;
            nextMinVolumeFrames = 1;
            return;
        }
        nextMinVolume = Math.min(nextMinVolume, volume);
        nextMinVolumeFrames++;
        if (nextMinVolumeFrames >= MIN_LEVEL_WINDOW) {
            minVolume = (int) Math.min(MAX_VOLUME, Math.sqrt((double) minVolume * nextMinVolume));
            nextMinVolume = SILENCE;
            nextMinVolumeFrames = 0;
        }
    }
}
