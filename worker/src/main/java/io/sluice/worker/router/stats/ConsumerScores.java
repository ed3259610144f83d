package io.sluice.worker.router.stats;

import java.util.List;

/**
 * A consumer's "score" event: its own send score, the score of the producer stream it forwards,
 * and the scores of all the producer's streams.
 */
public record ConsumerScores(int score, int producerScore, List<Integer> producerScores) {}
