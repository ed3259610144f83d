package io.sluice.orchestrator.policy;

import io.sluice.api.v1.ConsumerLayers;
import io.sluice.api.v1.ConsumerScore;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Moves a consumer one spatial layer down while its score stays poor and one layer up again once
 * it stays good, never above its ceiling.
 *
 * <ul>
 *   <li><b>Poor</b> is a consumer score below {@code poorScore} (default 5 of 10: the receiver
 *   reports losses). After {@code poorEvents} poor score events in a row (default 3) or a poor
 *   score lasting {@code poorFor} (default 3 s), the consumer goes down one spatial layer (not
 *   below 0), and the count starts again: a lasting poor score walks down a layer per period.</li>
 *   <li><b>Good</b> is a score of {@code goodScore} or more (default 8). After {@code goodFor}
 *   (default 10 s) of good score, the consumer goes up one spatial layer, up to its ceiling. The
 *   longer wait up than down avoids see-sawing around the link's capacity.</li>
 *   <li>Scores between the two reset both counts. The temporal layer is left to the worker
 *   (highest), except at the ceiling's spatial layer, where the ceiling's temporal layer holds.</li>
 * </ul>
 *
 * <p>Only the consumer's own score counts (what its receiver reports), not its producer's: a poor
 * source does not get better by forwarding less of it.
 */
public final class ScoreLayerPolicy implements LayerPolicy {

    /** The thresholds and periods of the policy. */
    public record Settings(int poorScore, int poorEvents, Duration poorFor, int goodScore, Duration goodFor) {

        public static final Settings DEFAULT = new Settings(5, 3, Duration.ofSeconds(3), 8, Duration.ofSeconds(10));

        public Settings {
            Objects.requireNonNull(poorFor, "poorFor");
            Objects.requireNonNull(goodFor, "goodFor");
            if (poorScore > goodScore || poorEvents < 1) {
                throw new IllegalArgumentException("poorScore must not exceed goodScore and poorEvents must be >= 1");
            }
        }
    }

    private static final class Tracked {
        ConsumerLayers ceiling;
        int spatialLayer;
        int poorEventsInRow;
        Instant poorSince;
        Instant goodSince;

        Tracked(ConsumerLayers ceiling) {
            this.ceiling = ceiling;
            this.spatialLayer = ceiling.getSpatialLayer();
        }
    }

    private final InstantSource clock;
    private final Settings settings;
    private final Map<String, Tracked> consumers = new HashMap<>();

    public ScoreLayerPolicy(InstantSource clock, Settings settings) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    public ScoreLayerPolicy(InstantSource clock) {
        this(clock, Settings.DEFAULT);
    }

    @Override
    public synchronized void consumerAdded(String consumerId, ConsumerLayers ceiling) {
        consumers.put(consumerId, new Tracked(ceiling));
    }

    @Override
    public synchronized void layersRequested(String consumerId, ConsumerLayers requested) {
        Tracked tracked = consumers.get(consumerId);
        if (tracked != null) {
            tracked.ceiling = requested;
            tracked.spatialLayer = requested.getSpatialLayer();
            tracked.poorEventsInRow = 0;
            tracked.poorSince = null;
            tracked.goodSince = null;
        }
    }

    @Override
    public synchronized Optional<ConsumerLayers> onScore(String consumerId, ConsumerScore score) {
        Tracked tracked = consumers.get(consumerId);
        if (tracked == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        int value = score.getScore();
        if (value < settings.poorScore()) {
            tracked.poorEventsInRow++;
            if (tracked.poorSince == null) {
                tracked.poorSince = now;
            }
            tracked.goodSince = null;
        } else if (value >= settings.goodScore()) {
            tracked.poorEventsInRow = 0;
            tracked.poorSince = null;
            if (tracked.goodSince == null) {
                tracked.goodSince = now;
            }
        } else {
            tracked.poorEventsInRow = 0;
            tracked.poorSince = null;
            tracked.goodSince = null;
        }
        return decide(tracked, now);
    }

    @Override
    public synchronized Map<String, ConsumerLayers> tick() {
        Instant now = clock.instant();
        Map<String, ConsumerLayers> changes = new LinkedHashMap<>();
        consumers.forEach((consumerId, tracked) -> decide(tracked, now)
                .ifPresent(layers -> changes.put(consumerId, layers)));
        return changes;
    }

    @Override
    public synchronized void consumerRemoved(String consumerId) {
        consumers.remove(consumerId);
    }

    private Optional<ConsumerLayers> decide(Tracked tracked, Instant now) {
        if (tracked.poorSince != null && tracked.spatialLayer > 0
                && (tracked.poorEventsInRow >= settings.poorEvents()
                        || !now.isBefore(tracked.poorSince.plus(settings.poorFor())))) {
            tracked.spatialLayer--;
            tracked.poorEventsInRow = 0;
            tracked.poorSince = now;
            return Optional.of(layers(tracked));
        }
        if (tracked.goodSince != null && tracked.spatialLayer < tracked.ceiling.getSpatialLayer()
                && !now.isBefore(tracked.goodSince.plus(settings.goodFor()))) {
            tracked.spatialLayer++;
            tracked.goodSince = now;
            return Optional.of(layers(tracked));
        }
        return Optional.empty();
    }

    private static ConsumerLayers layers(Tracked tracked) {
        if (tracked.spatialLayer == tracked.ceiling.getSpatialLayer()) {
            return tracked.ceiling;
        }
        return ConsumerLayers.newBuilder().setSpatialLayer(tracked.spatialLayer).build();
    }
}
