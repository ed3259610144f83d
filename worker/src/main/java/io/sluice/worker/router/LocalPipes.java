package io.sluice.worker.router;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-process pipe transports of one process, by id: how one loop's end of a pipe finds the
 * other loop's end to connect to (the only state the loops share; each end is still used only on
 * its own loop, except for its inbound hand-off, which is made to be offered to from another).
 */
public final class LocalPipes {

    private final Map<String, PipeTransport> byId = new ConcurrentHashMap<>();

    void add(PipeTransport transport) {
        byId.put(transport.id(), transport);
    }

    void remove(PipeTransport transport) {
        byId.remove(transport.id(), transport);
    }

    PipeTransport get(String transportId) {
        return byId.get(transportId);
    }
}
