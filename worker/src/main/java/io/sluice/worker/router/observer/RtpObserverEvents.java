package io.sluice.worker.router.observer;

import io.sluice.worker.router.Producer;
import java.util.List;

/**
 * What the RTP observers of a worker tell the outside, each call one event of the control API
 * (mediasoup's names: {@code dominantspeaker}, {@code volumes}, {@code silence}). Called on the
 * worker's loop; an implementation must not block nor call back into the observers.
 */
public interface RtpObserverEvents {

    /** The active speaker observer chose a new dominant speaker. */
    void dominantSpeaker(ActiveSpeakerObserver observer, Producer producer);

    /** The loudest producers of the last interval, loudest first; never empty. */
    void volumes(AudioLevelObserver observer, List<AudioLevelObserver.Volume> volumes);

    /** No producer reached the threshold in the last interval, after some did before. */
    void silence(AudioLevelObserver observer);
}
