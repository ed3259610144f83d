package io.sluice.worker.router.stats;

/**
 * A stream's 0..10 score as mediasoup computes it (RtpStream::UpdateScore): each report interval
 * gives a sample, {@code round(10 * deliveredRatio^4)}, and the score is the average of the last
 * 24 samples weighted by recency (the newest weighs 24, the oldest 1), so one bad second lowers
 * it a little and a lasting loss lowers it a lot.
 */
public final class StreamScore {

    static final int HISTORY = 24;

    private final int[] samples = new int[HISTORY];
    private int count;
    private int score;

    /**
     * One interval's sample, with mediasoup's ratio: {@code (base - lost) / base}, where the base is
     * the packets received (a receiving stream) or sent (a sending stream) in the interval and the
     * loss is capped at the base. No packets to judge gives 10.
     */
    public static int sample(long base, long lost) {
        if (base <= 0) {
            return 10;
        }
        long clampedLost = Math.max(0, Math.min(lost, base));
        double deliveredRatio = (double) (base - clampedLost) / base;
        return (int) Math.round(Math.pow(deliveredRatio, 4) * 10);
    }

    /**
     * A receiving stream's sample: the loss sample, less what its interarrival jitter costs. mediasoup
     * scores loss alone; Sluice also marks a stream down whose packets arrive so unevenly that a
     * receiver must buffer noticeably (a jitter buffer of a frame or more at 30 fps): 1 point from
     * {@value #JITTER_PENALTY_MS_1} ms of jitter, 2 from {@value #JITTER_PENALTY_MS_2} ms, 4 from
     * {@value #JITTER_PENALTY_MS_4} ms.
     */
    public static int receiveSample(long base, long lost, double jitterMs) {
        int sample = sample(base, lost);
        int penalty = jitterMs >= JITTER_PENALTY_MS_4 ? 4 : jitterMs >= JITTER_PENALTY_MS_2 ? 2
                : jitterMs >= JITTER_PENALTY_MS_1 ? 1 : 0;
        return Math.max(0, sample - penalty);
    }

    static final int JITTER_PENALTY_MS_1 = 30;
    static final int JITTER_PENALTY_MS_2 = 60;
    static final int JITTER_PENALTY_MS_4 = 120;

    /** Adds one interval's sample; returns whether the score changed. */
    public boolean add(int sample) {
        if (count == HISTORY) {
            System.arraycopy(samples, 1, samples, 0, HISTORY - 1);
            count--;
        }
        samples[count++] = sample;
        long weighted = 0;
        long weights = 0;
        for (int i = 0; i < count; i++) {
            weighted += (long) (i + 1) * samples[i];
            weights += i + 1;
        }
        int previous = score;
        score = (int) Math.round((double) weighted / weights);
        return score != previous;
    }

    /** Forgets the history (an inactive stream: mediasoup resets it to 0); returns whether the score changed. */
    public boolean reset(int value) {
        count = 0;
        int previous = score;
        score = value;
        return score != previous;
    }

    public int score() {
        return score;
    }

    /** Whether a sample was added since the start or the last reset. */
    public boolean hasSamples() {
        return count > 0;
    }
}
