package io.sluice.orchestrator.signaling;

/**
 * What one user and one peer may hold (docs/signaling.md, "Limits"), so that a single token cannot
 * take a worker's ports or a room's capacity from the others: live sessions per user and room
 * (counted across signaling servers through the session store), and transports, producers and
 * consumers per peer. Going over is answered {@code RESOURCE_EXHAUSTED}.
 */
public record SignalingLimits(int sessionsPerUser, int transportsPerPeer, int producersPerPeer, int consumersPerPeer) {

    /** Room for a demo peer (one send and one receive transport, camera, microphone, screen) and big rooms. */
    public static final SignalingLimits DEFAULTS = new SignalingLimits(4, 4, 16, 256);

    public SignalingLimits {
        if (sessionsPerUser < 1 || transportsPerPeer < 1 || producersPerPeer < 1 || consumersPerPeer < 1) {
            throw new IllegalArgumentException("every signaling limit must be 1 or more");
        }
    }
}
