package io.sluice.worker.router.observer;

import io.netty.util.concurrent.EventExecutor;
import io.sluice.worker.router.Producer;
import io.sluice.worker.router.SluiceException;
import io.sluice.worker.router.ortc.RtpHeaderExtensionUris;
import io.sluice.worker.router.parameters.MediaKind;
import io.sluice.worker.router.parameters.RtpHeaderExtensionParameters;
import io.sluice.worker.rtp.RtpPacket;
import io.sluice.worker.time.Clock;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A router's RTP observers (owner, in creation order) and the way audio levels reach them: for
 * each observed producer, the id its packets carry the {@code ssrc-audio-level} extension under
 * (the router's id, as the producer rewrote it) and the observers' sinks. Each of the producer's
 * packets is read once (RFC 6464 §3: one byte, V bit and level in -dBov; the audio itself is never
 * decoded) and the level handed to every sink of a running observer: two map-free array walks, no
 * allocation. Everything runs on the router's loop.
 */
public final class RtpObservers {

    /** One observer's sink for one producer's levels. */
    private record Observation(RtpObserver observer, AudioLevelSink sink) {}

    /** An observed producer: where its level is and who takes it. */
    private static final class Observed {
        private final int audioLevelExtensionId;
        private Observation[] observations = new Observation[0];

        Observed(int audioLevelExtensionId) {
            this.audioLevelExtensionId = audioLevelExtensionId;
        }
    }

    private final String routerId;
    private final EventExecutor loop;
    private final Clock clock;
    private final RtpObserverEvents events;
    private final Map<String, RtpObserver> observers = new LinkedHashMap<>();
    private final Map<Producer, Observed> observed = new HashMap<>();

    public RtpObservers(String routerId, EventExecutor loop, Clock clock, RtpObserverEvents events) {
        this.routerId = routerId;
        this.loop = loop;
        this.clock = clock;
        this.events = events;
    }

    /** router.createActiveSpeakerObserver; INVALID_ARGUMENT for an interval out of range. */
    public ActiveSpeakerObserver createActiveSpeakerObserver(int intervalMs, Map<String, String> appData)
            throws SluiceException {
        assert loop.inEventLoop();
        checkInterval(intervalMs, ActiveSpeakerObserver.MIN_INTERVAL_MS, ActiveSpeakerObserver.MAX_INTERVAL_MS);
        return start(new ActiveSpeakerObserver(UUID.randomUUID().toString(), routerId, intervalMs, appData, loop, clock,
                events));
    }

    /** router.createAudioLevelObserver; INVALID_ARGUMENT for a value out of range. */
    public AudioLevelObserver createAudioLevelObserver(int maxEntries, int threshold, int intervalMs,
            Map<String, String> appData) throws SluiceException {
        assert loop.inEventLoop();
        if (maxEntries < 1) {
            throw SluiceException.invalid("max_entries", "max_entries must be at least 1, got " + maxEntries);
        }
        if (threshold < AudioLevelObserver.MIN_THRESHOLD || threshold > 0) {
            throw SluiceException.invalid("threshold", "threshold must be a level in dBov from "
                    + AudioLevelObserver.MIN_THRESHOLD + " to 0, got " + threshold);
        }
        checkInterval(intervalMs, AudioLevelObserver.MIN_INTERVAL_MS, AudioLevelObserver.MAX_INTERVAL_MS);
        return start(new AudioLevelObserver(UUID.randomUUID().toString(), routerId, maxEntries, threshold, intervalMs,
                appData, loop, clock, events));
    }

    private static void checkInterval(int intervalMs, int min, int max) throws SluiceException {
        if (intervalMs < min || intervalMs > max) {
            throw SluiceException.invalid("interval", "interval must be from " + min + " to " + max + " ms, got "
                    + intervalMs);
        }
    }

    private <T extends RtpObserver> T start(T observer) {
        observers.put(observer.id(), observer);
        observer.startTimer();
        return observer;
    }

    /** The live observer with this id, or null. */
    public RtpObserver get(String observerId) {
        assert loop.inEventLoop();
        return observers.get(observerId);
    }

    /** The live observers, in creation order. */
    public Collection<RtpObserver> all() {
        assert loop.inEventLoop();
        return Collections.unmodifiableCollection(observers.values());
    }

    public List<String> ids() {
        assert loop.inEventLoop();
        return List.copyOf(observers.keySet());
    }

    /**
     * rtpObserver.addProducer: an audio producer of this router; INVALID_ARGUMENT for a video
     * producer. Adding a producer already observed changes nothing.
     */
    public void addProducer(RtpObserver observer, Producer producer) throws SluiceException {
        assert loop.inEventLoop();
        if (producer.kind() != MediaKind.AUDIO) {
            throw SluiceException.invalid("producer_id", "producer " + producer.id()
                    + " is a video producer; RTP observers take audio producers only");
        }
        if (observer.observes(producer)) {
            return;
        }
        AudioLevelSink sink = observer.add(producer);
        Observed entry = observed.computeIfAbsent(producer, p -> new Observed(audioLevelExtensionId(p)));
        Observation[] grown = Arrays.copyOf(entry.observations, entry.observations.length + 1);
        grown[entry.observations.length] = new Observation(observer, sink);
        entry.observations = grown;
    }

    /** rtpObserver.removeProducer; a producer not observed is no error. */
    public void removeProducer(RtpObserver observer, Producer producer) {
        assert loop.inEventLoop();
        Observed entry = observed.get(producer);
        if (entry != null) {
            entry.observations = Arrays.stream(entry.observations)
                    .filter(observation -> observation.observer() != observer)
                    .toArray(Observation[]::new);
            if (entry.observations.length == 0) {
                observed.remove(producer);
            }
        }
        observer.remove(producer);
    }

    /** rtpObserver.close. */
    public void close(RtpObserver observer) {
        assert loop.inEventLoop();
        if (observers.remove(observer.id()) == null) {
            return;
        }
        for (Producer producer : List.copyOf(observed.keySet())) {
            Observed entry = observed.get(producer);
            entry.observations = Arrays.stream(entry.observations)
                    .filter(observation -> observation.observer() != observer)
                    .toArray(Observation[]::new);
            if (entry.observations.length == 0) {
                observed.remove(producer);
            }
        }
        observer.close();
    }

    /** The router closes: so do its observers. */
    public void closeAll() {
        for (RtpObserver observer : List.copyOf(observers.values())) {
            close(observer);
        }
    }

    /** A producer of the router closed: every observer lets it go. */
    public void onProducerClosed(Producer producer) {
        if (observed.remove(producer) == null) {
            return;
        }
        for (RtpObserver observer : observers.values()) {
            observer.remove(producer);
        }
    }

    public void onProducerPaused(Producer producer, boolean paused) {
        Observed entry = observed.get(producer);
        if (entry != null) {
            for (Observation observation : entry.observations) {
                observation.observer().onProducerPaused(producer, paused);
            }
        }
    }

    /** A packet of {@code producer}, rewritten to the router's extension ids; called per packet. */
    public void onProducerRtp(Producer producer, RtpPacket packet) {
        if (observed.isEmpty()) {
            return;
        }
        Observed entry = observed.get(producer);
        if (entry == null) {
            return;
        }
        int level = packet.audioLevel(entry.audioLevelExtensionId);
        if (level < 0) {
            return;
        }
        long nowMs = clock.monotonicMillis();
        for (Observation observation : entry.observations) {
            if (!observation.observer().paused()) {
                observation.sink().onAudioLevel(level, nowMs);
            }
        }
    }

    /** The router's id of the audio level extension in the producer's forwarded packets, 0 when it has none. */
    private static int audioLevelExtensionId(Producer producer) {
        for (RtpHeaderExtensionParameters extension : producer.consumableRtpParameters().headerExtensions()) {
            if (extension.uri().equals(RtpHeaderExtensionUris.SSRC_AUDIO_LEVEL)) {
                return extension.id();
            }
        }
        return 0;
    }
}
