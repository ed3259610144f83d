package io.sluice.orchestrator.client;

import io.sluice.api.v1.AudioLevelObserverVolume;
import java.util.List;

/**
 * Events of active speaker and audio level observers
 * ({@code sluice.event.<routerId>.rtpObserver.<rtpObserverId>.<event>}, docs/protocol.md
 * "Events"). Every method has a no-op default.
 */
public interface RtpObserverEventListener {

    /** An active speaker observer chose a new dominant speaker ("dominantspeaker"). */
    default void onDominantSpeaker(String routerId, String observerId, String producerId) {}

    /** An audio level observer's loudest producers of its last interval, loudest first ("volumes"). */
    default void onVolumes(String routerId, String observerId, List<AudioLevelObserverVolume> volumes) {}

    /** An audio level observer heard none at its threshold any more ("silence"). */
    default void onSilence(String routerId, String observerId) {}
}
