package io.sluice.worker.router.observer;

import io.netty.util.concurrent.EventExecutor;
import io.sluice.worker.router.Producer;
import io.sluice.worker.time.Clock;
import java.util.Map;

/**
 * mediasoup's ActiveSpeakerObserver: names the dominant speaker among its producers with
 * {@link DominantSpeakerIdentification} and reports each change ({@code dominantspeaker}). Every
 * packet's RFC 6464 level (-dBov) becomes a volume of 127 minus the level; a decision is made
 * every interval.
 */
public final class ActiveSpeakerObserver extends RtpObserver {

    /** mediasoup's default decision interval. */
    public static final int DEFAULT_INTERVAL_MS = 300;
    public static final int MIN_INTERVAL_MS = 100;
    public static final int MAX_INTERVAL_MS = 5000;

    private final DominantSpeakerIdentification<Producer> identification = new DominantSpeakerIdentification<>();

    ActiveSpeakerObserver(String id, String routerId, int intervalMs, Map<String, String> appData, EventExecutor loop,
            Clock clock, RtpObserverEvents events) {
        super(id, routerId, intervalMs, appData, loop, clock, events);
    }

    @Override
    public Type type() {
        return Type.ACTIVE_SPEAKER;
    }

    /** The dominant speaker's producer, or null when none is (yet). */
    public Producer dominantSpeaker() {
        return identification.dominant();
    }

    @Override
    AudioLevelSink sinkFor(Producer producer) {
        SpeakerActivity activity = identification.add(producer, clock.monotonicMillis());
        return (level, nowMs) -> activity.onVolume(SpeakerActivity.MAX_VOLUME - level, nowMs);
    }

    /** As mediasoup: when the dominant speaker leaves, the others are decided among at once. */
    @Override
    void onRemoved(Producer producer) {
        boolean wasDominant = producer == identification.dominant();
        identification.remove(producer);
        if (wasDominant) {
            onInterval();
        }
    }

    @Override
    void onProducerPaused(Producer producer, boolean paused) {
        identification.setPaused(producer, paused);
    }

    @Override
    void onPaused() {
    }

    @Override
    void onInterval() {
        Producer chosen = identification.decide(clock.monotonicMillis());
        if (chosen != null) {
            events.dominantSpeaker(this, chosen);
        }
    }
}
