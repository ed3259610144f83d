package io.sluice.worker.registry;

import io.sluice.worker.router.Router;
import io.sluice.worker.router.TransportMappingListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the Redis user-to-transport mapping of every transport while it lives. The writes run in
 * the background; a failure is logged (Redis away: the mapping is written again when it returns,
 * and the periodic sweep removes what a dead worker left).
 */
public final class RedisTransportMappingListener implements TransportMappingListener {

    private static final Logger log = LoggerFactory.getLogger(RedisTransportMappingListener.class);

    private final RedisRegistry registry;

    public RedisTransportMappingListener(RedisRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void transportCreated(String transportId, String workerId, Router router, String userId) {
        registry.putTransport(new TransportMappings.Mapping(transportId, workerId, router.id(), router.roomId(), userId))
                .whenComplete((ok, failure) -> {
                    if (failure != null) {
                        log.warn("transport {}: Redis mapping not written ({})", transportId, failure.toString());
                    }
                });
    }

    @Override
    public void transportClosed(String transportId) {
        registry.removeTransport(transportId).whenComplete((removed, failure) -> {
            if (failure != null) {
                log.debug("transport {}: Redis mapping not removed now ({}); the sweep removes it", transportId,
                        failure.toString());
            }
        });
    }
}
