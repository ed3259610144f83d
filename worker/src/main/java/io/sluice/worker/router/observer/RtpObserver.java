package io.sluice.worker.router.observer;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.worker.router.Producer;
import io.sluice.worker.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An RTP observer (mediasoup's RtpObserver): watches the audio levels of the audio producers
 * added to it and reports on a timer of its own, every {@link #intervalMs()} on the router's loop
 * (time read from the injected clock). Paused, it takes no levels and its timer stops. Its router
 * ({@link RtpObservers}) creates, feeds and closes it.
 */
public abstract sealed class RtpObserver permits ActiveSpeakerObserver, AudioLevelObserver {

    /** mediasoup's observer types. */
    public enum Type {
        ACTIVE_SPEAKER("activespeaker"), AUDIO_LEVEL("audiolevel");

        private final String apiName;

        Type(String apiName) {
            this.apiName = apiName;
        }

        public String apiName() {
            return apiName;
        }
    }

    private final String id;
    private final String routerId;
    private final long intervalMs;
    private final Map<String, String> appData;
    private final EventExecutor loop;
    protected final Clock clock;
    protected final RtpObserverEvents events;
    /** In the order they were added. */
    private final Map<Producer, AudioLevelSink> producers = new LinkedHashMap<>();
    private ScheduledFuture<?> timer;
    private boolean paused;

    RtpObserver(String id, String routerId, long intervalMs, Map<String, String> appData, EventExecutor loop, Clock clock,
            RtpObserverEvents events) {
        this.id = id;
        this.routerId = routerId;
        this.intervalMs = intervalMs;
        this.appData = appData;
        this.loop = loop;
        this.clock = clock;
        this.events = events;
    }

    public String id() {
        return id;
    }

    public String routerId() {
        return routerId;
    }

    public abstract Type type();

    public long intervalMs() {
        return intervalMs;
    }

    public Map<String, String> appData() {
        return appData;
    }

    public boolean paused() {
        return paused;
    }

    /** The ids of the observed producers, in the order they were added. */
    public List<String> producerIds() {
        List<String> ids = new ArrayList<>(producers.size());
        for (Producer producer : producers.keySet()) {
            ids.add(producer.id());
        }
        return ids;
    }

    /** rtpObserver.pause: stops the timer and takes no levels. Returns whether it changed. */
    public boolean pause() {
        assert loop.inEventLoop();
        if (paused) {
            return false;
        }
        paused = true;
        stopTimer();
        onPaused();
        return true;
    }

    /** rtpObserver.resume: the timer starts again from now. Returns whether it changed. */
    public boolean resume() {
        assert loop.inEventLoop();
        if (!paused) {
            return false;
        }
        paused = false;
        startTimer();
        return true;
    }

    final void startTimer() {
        timer = loop.scheduleAtFixedRate(this::onInterval, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    private void stopTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    final void close() {
        stopTimer();
        producers.clear();
    }

    final boolean observes(Producer producer) {
        return producers.containsKey(producer);
    }

    /** Starts observing {@code producer} (an audio producer of the router); returns what takes its levels. */
    final AudioLevelSink add(Producer producer) {
        AudioLevelSink sink = sinkFor(producer);
        producers.put(producer, sink);
        return sink;
    }

    final void remove(Producer producer) {
        if (producers.remove(producer) != null) {
            onRemoved(producer);
        }
    }

    /** The state of a newly observed producer. */
    abstract AudioLevelSink sinkFor(Producer producer);

    abstract void onRemoved(Producer producer);

    /** An observed producer was paused (it sends nothing) or resumed. */
    abstract void onProducerPaused(Producer producer, boolean paused);

    /** The observer was paused. */
    abstract void onPaused();

    /** The timer fired: decide and report. */
    abstract void onInterval();
}
