package io.sluice.worker.bwe;

/** The over-use detector's signal (draft-ietf-rmcat-gcc-02 §5.4). */
public enum BandwidthUsage {
    NORMAL, OVERUSING, UNDERUSING
}
