package io.sluice.orchestrator.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.v1.ConsumerLayers;
import io.sluice.api.v1.ConsumerScore;
import io.sluice.api.v1.Event;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The decisions of {@link ScoreLayerPolicy} under a hand-driven clock, fed the consumer score
 * events as the worker publishes them ({@code sluice.event.<routerId>.consumer.<id>.score}).
 */
class ScoreLayerPolicyTest {

    private static final String CONSUMER = "c-1";
    private static final ConsumerLayers TOP = layers(2);

    /** An InstantSource the test moves by hand. */
    private static final class ManualClock implements InstantSource {
        private Instant now = Instant.parse("2026-11-24T06:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }
    }

    private final ManualClock clock = new ManualClock();
    private final ScoreLayerPolicy policy = new ScoreLayerPolicy(clock);

    @Test
    void threePoorScoreEventsInARowMoveTheConsumerDownOneSpatialLayer() {
        policy.consumerAdded(CONSUMER, TOP);

        assertThat(score(3)).isEmpty();
        assertThat(score(2)).isEmpty();
        assertThat(score(4)).contains(layers(1));
        assertThat(score(3)).as("the count starts again after a move").isEmpty();
        assertThat(score(3)).isEmpty();
        assertThat(score(2)).contains(layers(0));
        assertThat(score(1)).isEmpty();
        assertThat(score(1)).isEmpty();
        assertThat(score(1)).as("never below layer 0").isEmpty();
    }

    @Test
    void aPoorScoreThatLastsMovesDownOnTheTickWithoutFurtherEvents() {
        policy.consumerAdded(CONSUMER, TOP);
        assertThat(score(2)).isEmpty();

        clock.advance(Duration.ofMillis(2900));
        assertThat(policy.tick()).isEmpty();
        clock.advance(Duration.ofMillis(100));
        assertThat(policy.tick()).containsExactly(java.util.Map.entry(CONSUMER, layers(1)));
        assertThat(policy.tick()).as("the period starts again").isEmpty();
        clock.advance(Duration.ofSeconds(3));
        assertThat(policy.tick()).containsEntry(CONSUMER, layers(0));
    }

    @Test
    void aMiddlingScoreBreaksTheRowOfPoorOnes() {
        policy.consumerAdded(CONSUMER, TOP);

        assertThat(score(3)).isEmpty();
        assertThat(score(3)).isEmpty();
        assertThat(score(6)).isEmpty();
        assertThat(score(3)).isEmpty();
        assertThat(score(3)).isEmpty();
        assertThat(score(3)).contains(layers(1));
    }

    @Test
    void aGoodScoreForTenSecondsMovesBackUpOneLayerAtATimeButNotAboveTheCeiling() {
        policy.consumerAdded(CONSUMER, TOP);
        score(2);
        score(2);
        assertThat(score(2)).contains(layers(1));
        score(2);
        score(2);
        assertThat(score(2)).contains(layers(0));

        assertThat(score(10)).isEmpty();
        clock.advance(Duration.ofSeconds(9));
        assertThat(policy.tick()).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        assertThat(policy.tick()).containsEntry(CONSUMER, layers(1));
        clock.advance(Duration.ofSeconds(10));
        assertThat(score(9)).as("still good: the next period ended").contains(TOP);
        clock.advance(Duration.ofSeconds(60));
        assertThat(policy.tick()).as("the ceiling is where it started").isEmpty();
        assertThat(score(10)).isEmpty();
    }

    @Test
    void thePeersOwnChoiceIsTheNewCeilingWithItsTemporalLayer() {
        policy.consumerAdded(CONSUMER, TOP);
        ConsumerLayers middleTemporalOne = ConsumerLayers.newBuilder().setSpatialLayer(1).setTemporalLayer(1).build();
        policy.layersRequested(CONSUMER, middleTemporalOne);

        score(3);
        score(3);
        assertThat(score(3)).contains(layers(0));
        score(10);
        clock.advance(Duration.ofSeconds(10));
        assertThat(policy.tick()).as("back to the peer's choice, temporal layer included")
                .containsEntry(CONSUMER, middleTemporalOne);
        clock.advance(Duration.ofSeconds(10));
        assertThat(policy.tick()).as("never above what the peer asked").isEmpty();
    }

    @Test
    void unknownAndRemovedConsumersGetNoDecision() {
        assertThat(score(1)).isEmpty();
        policy.consumerAdded(CONSUMER, TOP);
        policy.consumerRemoved(CONSUMER);
        score(1);
        score(1);
        assertThat(score(1)).isEmpty();
        clock.advance(Duration.ofMinutes(1));
        assertThat(policy.tick()).isEmpty();
    }

    @Test
    void theNonePolicyNeverDecides() {
        LayerPolicy.NONE.consumerAdded(CONSUMER, TOP);
        assertThat(LayerPolicy.NONE.onScore(CONSUMER, ConsumerScore.newBuilder().setScore(0).build())).isEmpty();
        assertThat(LayerPolicy.NONE.tick()).isEmpty();
    }

    /** One score event as the worker publishes it, decoded as the subscriber decodes it. */
    private Optional<ConsumerLayers> score(int score) {
        byte[] published = Event.newBuilder().setWorkerId("w-0").setSeq(1).setRouterId("r-1")
                .setTimestampMs(clock.instant().toEpochMilli())
                .setConsumerScore(ConsumerScore.newBuilder().setScore(score).setProducerScore(10)
                        .addProducerScores(10))
                .build().toByteArray();
        try {
            return policy.onScore(CONSUMER, Event.parseFrom(published).getConsumerScore());
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    private static ConsumerLayers layers(int spatial) {
        return ConsumerLayers.newBuilder().setSpatialLayer(spatial).build();
    }
}
