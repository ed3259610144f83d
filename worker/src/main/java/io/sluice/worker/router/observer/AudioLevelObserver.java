package io.sluice.worker.router.observer;

import io.netty.util.concurrent.EventExecutor;
import io.sluice.worker.router.Producer;
import io.sluice.worker.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * mediasoup's AudioLevelObserver: every interval, the average RFC 6464 level of each producer
 * (in dBov, -127 to 0) over the packets of that interval; the producers at or above the threshold,
 * loudest first (ties in the order added), at most {@code maxEntries} of them, go out as
 * {@code volumes}. When none reaches it after some did, {@code silence} goes out once. A producer
 * with fewer than {@link #MIN_PACKETS} packets in an interval, or paused, is left out.
 */
public final class AudioLevelObserver extends RtpObserver {

    public static final int DEFAULT_MAX_ENTRIES = 1;
    public static final int DEFAULT_THRESHOLD = -80;
    public static final int DEFAULT_INTERVAL_MS = 1000;
    public static final int MIN_INTERVAL_MS = 250;
    public static final int MAX_INTERVAL_MS = 5000;
    /** RFC 6464 §3: levels go from 0 down to -127 dBov. */
    public static final int MIN_THRESHOLD = -127;
    /** As mediasoup: an average over fewer packets (200 ms of 20 ms packets) says too little. */
    static final int MIN_PACKETS = 10;

    /** A producer's average level in the last interval, in dBov (-127 to 0). */
    public record Volume(Producer producer, int volume) {}

    /** One producer's levels in the current interval. */
    private static final class Levels implements AudioLevelSink {
        private long sum;
        private int count;
        private boolean paused;

        @Override
        public void onAudioLevel(int level, long nowMs) {
            if (!paused) {
                sum += level;
                count++;
            }
        }

        void reset() {
            sum = 0;
            count = 0;
        }
    }

    private final int maxEntries;
    private final int threshold;
    private final Map<Producer, Levels> levels = new LinkedHashMap<>();
    /** Whether the last report was silence; true at first, so the first silence goes unsaid. */
    private boolean silence = true;

    AudioLevelObserver(String id, String routerId, int maxEntries, int threshold, int intervalMs,
            Map<String, String> appData, EventExecutor loop, Clock clock, RtpObserverEvents events) {
        super(id, routerId, intervalMs, appData, loop, clock, events);
        this.maxEntries = maxEntries;
        this.threshold = threshold;
    }

    @Override
    public Type type() {
        return Type.AUDIO_LEVEL;
    }

    public int maxEntries() {
        return maxEntries;
    }

    /** In dBov, -127 to 0. */
    public int threshold() {
        return threshold;
    }

    @Override
    AudioLevelSink sinkFor(Producer producer) {
        Levels producerLevels = new Levels();
        producerLevels.paused = producer.paused();
        levels.put(producer, producerLevels);
        return producerLevels;
    }

    @Override
    void onRemoved(Producer producer) {
        levels.remove(producer);
    }

    @Override
    void onProducerPaused(Producer producer, boolean paused) {
        Levels producerLevels = levels.get(producer);
        if (producerLevels != null) {
            producerLevels.paused = paused;
            producerLevels.reset();
        }
    }

    /** As mediasoup: a paused observer has heard silence. */
    @Override
    void onPaused() {
        levels.values().forEach(Levels::reset);
        reportSilence();
    }

    @Override
    void onInterval() {
        List<Volume> loud = new ArrayList<>();
        for (Map.Entry<Producer, Levels> entry : levels.entrySet()) {
            Levels producerLevels = entry.getValue();
            if (producerLevels.count >= MIN_PACKETS) {
                int volume = -(int) Math.round((double) producerLevels.sum / producerLevels.count);
                if (volume >= threshold) {
                    loud.add(new Volume(entry.getKey(), volume));
                }
            }
            producerLevels.reset();
        }
        if (loud.isEmpty()) {
            reportSilence();
            return;
        }
        silence = false;
        loud.sort(Comparator.comparingInt(Volume::volume).reversed());
        events.volumes(this, List.copyOf(loud.subList(0, Math.min(maxEntries, loud.size()))));
    }

    private void reportSilence() {
        if (!silence) {
            silence = true;
            events.silence(this);
        }
    }
}
