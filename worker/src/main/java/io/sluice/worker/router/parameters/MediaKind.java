package io.sluice.worker.router.parameters;

/** What a producer, consumer, codec or header extension carries. */
public enum MediaKind {
    AUDIO,
    VIDEO
}
