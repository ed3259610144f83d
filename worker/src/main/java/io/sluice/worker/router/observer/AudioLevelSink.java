package io.sluice.worker.router.observer;

/** Takes the audio levels of one producer for one observer, on the router's loop, per packet. */
@FunctionalInterface
interface AudioLevelSink {

    /** @param level RFC 6464 §3: the level in -dBov, 0 (loudest) to 127 (silence) */
    void onAudioLevel(int level, long nowMs);
}
