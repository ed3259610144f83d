package io.sluice.worker.router;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A worker's producers by id, for lookup only. A producer id names one producer per router: a
 * producer piped to another router of the same worker keeps its id there (router.pipeToRouter),
 * so one id may name a producer on each of several routers. Media requests that name a router
 * (transport.consume, router.canConsume, pipeTransport.consume) find the producer of that router;
 * the producer.* methods, which name only the id, address the first producer made under it (the
 * piped source; its copies follow it through their pipes). On the worker's loop only.
 */
final class ProducerIndex {

    /** By router id and producer id: every producer. */
    private final Map<String, Producer> byRouter = new LinkedHashMap<>();
    /** By producer id: the one the producer.* methods address. */
    private final Map<String, Producer> addressed = new HashMap<>();

    private static String key(Router router, String producerId) {
        return router.id() + '/' + producerId;
    }

    void add(Producer producer) {
        byRouter.put(key(producer.transport().router(), producer.id()), producer);
        addressed.putIfAbsent(producer.id(), producer);
    }

    /** Returns false when the producer was not (or no longer) indexed. */
    boolean remove(Producer producer) {
        if (!byRouter.remove(key(producer.transport().router(), producer.id()), producer)) {
            return false;
        }
        if (addressed.remove(producer.id(), producer)) {
            // A copy outliving its source (until its pipe closes it) stays reachable by id.
            for (Producer other : byRouter.values()) {
                if (other.id().equals(producer.id())) {
                    addressed.put(other.id(), other);
                    break;
                }
            }
        }
        return true;
    }

    /** The producer the producer.* methods address under this id, or null. */
    Producer byId(String producerId) {
        return addressed.get(producerId);
    }

    /** The producer of this id on {@code router}, or null. */
    Producer on(Router router, String producerId) {
        return byRouter.get(key(router, producerId));
    }

    boolean contains(Producer producer) {
        return byRouter.get(key(producer.transport().router(), producer.id())) == producer;
    }

    Collection<Producer> all() {
        return byRouter.values();
    }

    int size() {
        return byRouter.size();
    }

    boolean isEmpty() {
        return byRouter.isEmpty();
    }
}
