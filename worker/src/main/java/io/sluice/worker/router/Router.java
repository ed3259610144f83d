package io.sluice.worker.router;

import io.netty.util.concurrent.EventExecutor;
import io.sluice.worker.router.observer.RtpObservers;
import io.sluice.worker.router.parameters.RtpCapabilities;
import io.sluice.worker.time.Clock;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A router: the media hub of one room on one worker, as in mediasoup. It owns its transports (of
 * every kind, in creation order), which own their producers and consumers; its {@link RouterMedia}
 * routes each producer's packets to that producer's consumers and its {@link RtpObservers} (which
 * it owns too) read their audio levels. It is created and used only on its
 * worker's event loop, so its state is plain fields. The {@link Worker} creates and closes it.
 */
public final class Router {

    private final String id;
    private final String roomId;
    private final Map<String, String> appData;
    private final RtpCapabilities rtpCapabilities;
    private final EventExecutor loop;
    private final Map<String, Transport> transports = new LinkedHashMap<>();
    private final RouterMedia media;
    private final RouterData data = new RouterData();
    private final RtpObservers observers;
    private boolean closed;

    public Router(String id, String roomId, Map<String, String> appData, RtpCapabilities rtpCapabilities, EventExecutor loop,
            Clock clock, EntityEvents events) {
        this.id = id;
        this.roomId = roomId;
        this.appData = appData;
        this.rtpCapabilities = rtpCapabilities;
        this.loop = loop;
        this.observers = new RtpObservers(id, loop, clock, events);
        this.media = new RouterMedia(events, observers, LoopOverload.of(loop));
    }

    public String id() {
        return id;
    }

    public String roomId() {
        return roomId;
    }

    public Map<String, String> appData() {
        return appData;
    }

    /** The codecs and header extensions this router offers, computed once at creation. */
    public RtpCapabilities rtpCapabilities() {
        return rtpCapabilities;
    }

    public boolean closed() {
        return closed;
    }

    /** Which consumers each producer's packets go to. */
    RouterMedia media() {
        return media;
    }

    /** Which data consumers each data producer's messages go to. */
    RouterData data() {
        return data;
    }

    /** Its active speaker and audio level observers. */
    public RtpObservers observers() {
        return observers;
    }

    void addTransport(Transport transport) {
        assert loop.inEventLoop();
        transports.put(transport.id(), transport);
    }

    void removeTransport(Transport transport) {
        transports.remove(transport.id());
    }

    /** Its live transports, in creation order. */
    public Collection<Transport> transports() {
        assert loop.inEventLoop();
        return Collections.unmodifiableCollection(transports.values());
    }

    /** Marks the router closed; the worker's close cascade has closed everything in it. */
    void markClosed() {
        closed = true;
    }

    public RouterDump dump() {
        assert loop.inEventLoop();
        return new RouterDump(id, roomId, rtpCapabilities, appData, List.copyOf(transports.keySet()),
                media.producerIds(), media.consumerIds(), observers.ids());
    }
}
