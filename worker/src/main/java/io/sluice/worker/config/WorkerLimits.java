package io.sluice.worker.config;

/**
 * What one worker (one event loop) accepts at most, so that one peer or one room cannot take what
 * the others need (docs/security.md). Every count is per worker; the heartbeat reports them.
 *
 * @param maxRouters routers at once; more answer RESOURCE_EXHAUSTED
 * @param maxTransports transports (WebRTC and plain) at once
 * @param maxConsumers consumers at once
 * @param iceTcpMaxConnections ICE-TCP connections at once; more are closed as they are accepted
 * @param iceTcpMaxPendingPerSource ICE-TCP connections from one IP address that have not yet sent
 *     a valid STUN check; more from that address are closed as they are accepted
 * @param iceTcpValidationTimeoutSeconds how long an ICE-TCP connection may stay open without a
 *     valid STUN check before it is closed
 */
public record WorkerLimits(int maxRouters, int maxTransports, int maxConsumers, int iceTcpMaxConnections,
        int iceTcpMaxPendingPerSource, int iceTcpValidationTimeoutSeconds) {

    public static final WorkerLimits DEFAULTS = new WorkerLimits(1_000, 2_000, 10_000, 4_096, 16, 5);
    /** Far above what one loop can serve, so that a typo cannot make a limit meaningless. */
    static final int MAX_COUNT = 1_000_000;

    public WorkerLimits {
        if (maxRouters < 1 || maxTransports < 1 || maxConsumers < 1 || iceTcpMaxConnections < 1
                || iceTcpMaxPendingPerSource < 1 || maxRouters > MAX_COUNT || maxTransports > MAX_COUNT
                || maxConsumers > MAX_COUNT || iceTcpMaxConnections > MAX_COUNT || iceTcpMaxPendingPerSource > MAX_COUNT) {
            throw new IllegalArgumentException("worker limits must be 1.." + MAX_COUNT);
        }
        if (iceTcpValidationTimeoutSeconds < 1 || iceTcpValidationTimeoutSeconds > 60) {
            throw new IllegalArgumentException("ICE_TCP_VALIDATION_TIMEOUT must be 1..60 seconds");
        }
    }
}
