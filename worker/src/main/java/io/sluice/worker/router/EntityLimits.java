package io.sluice.worker.router;

/**
 * How many routers, transports and consumers one worker holds at most (MAX_ROUTERS,
 * MAX_TRANSPORTS, MAX_CONSUMERS): one peer or room cannot take what the others need. A request
 * beyond a limit is refused with RESOURCE_EXHAUSTED, naming the limit.
 */
public record EntityLimits(int maxRouters, int maxTransports, int maxConsumers) {

    public static final EntityLimits UNLIMITED = new EntityLimits(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE);

    public EntityLimits {
        if (maxRouters < 1 || maxTransports < 1 || maxConsumers < 1) {
            throw new IllegalArgumentException("entity limits must be positive");
        }
    }

    void checkRouters(String workerId, int existing) throws SluiceException {
        check(workerId, existing, maxRouters, "routers", "MAX_ROUTERS");
    }

    void checkTransports(String workerId, int existing) throws SluiceException {
        check(workerId, existing, maxTransports, "transports", "MAX_TRANSPORTS");
    }

    void checkConsumers(String workerId, int existing) throws SluiceException {
        check(workerId, existing, maxConsumers, "consumers", "MAX_CONSUMERS");
    }

    private static void check(String workerId, int existing, int max, String what, String setting)
            throws SluiceException {
        if (existing >= max) {
            throw new SluiceException(SluiceException.Code.RESOURCE_EXHAUSTED, "worker " + workerId + " holds its maximum of "
                    + max + " " + what + " (" + setting + "); place the request on another worker");
        }
    }
}
