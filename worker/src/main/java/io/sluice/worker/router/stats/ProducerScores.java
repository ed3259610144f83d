package io.sluice.worker.router.stats;

import java.util.List;

/** A producer's "score" event: one score per encoding that has received. */
public record ProducerScores(List<StreamScoreEntry> scores) {

    /** @param ssrc unsigned 32-bit */
    public record StreamScoreEntry(int encodingIdx, long ssrc, String rid, int score) {}
}
