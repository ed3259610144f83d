package io.sluice.worker.router;

import io.netty.util.concurrent.EventExecutor;
import io.sluice.api.v1.AppData;
import io.sluice.api.v1.RouterDumpResponse;
import io.sluice.api.v1.RtpCapabilities;
import io.sluice.api.v1.TransportClosed;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A router: the media hub of one room on one worker, as in mediasoup. It is created and used only
 * on its worker's event loop, so its state is plain fields.
 */
public final class Router {

    private final String id;
    private final String roomId;
    private final AppData appData;
    private final RtpCapabilities rtpCapabilities;
    private final EventExecutor loop;
    private final Map<String, WebRtcTransport> transports = new LinkedHashMap<>();
    private RouterMedia media;
    private boolean closed;

    public Router(String id, String roomId, AppData appData, RtpCapabilities rtpCapabilities, EventExecutor loop) {
        this.id = id;
        this.roomId = roomId;
        this.appData = appData;
        this.rtpCapabilities = rtpCapabilities;
        this.loop = loop;
    }

    public String id() {
        return id;
    }

    public String roomId() {
        return roomId;
    }

    public AppData appData() {
        return appData;
    }

    /** The codecs and header extensions this router offers, computed once at creation. */
    public RtpCapabilities rtpCapabilities() {
        return rtpCapabilities;
    }

    public boolean closed() {
        return closed;
    }

    /** Its producers, consumers and plain transports; null until the first is created. */
    public RouterMedia media() {
        return media;
    }

    void attachMedia(RouterMedia media) {
        this.media = media;
    }

    public void addTransport(WebRtcTransport transport) {
        transports.put(transport.id(), transport);
    }

    public void removeTransport(WebRtcTransport transport) {
        transports.remove(transport.id());
    }

    public Collection<WebRtcTransport> transports() {
        assert loop.inEventLoop();
        return Collections.unmodifiableCollection(transports.values());
    }

    /**
     * Closes the router and its transports (each with its {@code closed} event, reason
     * {@code transportReason}); the worker removes it and publishes the router's event. Idempotent.
     */
    public void close(TransportClosed.Reason transportReason) {
        assert loop.inEventLoop();
        if (closed) {
            return;
        }
        closed = true;
        if (media != null) {
            media.close();
        }
        for (WebRtcTransport transport : List.copyOf(transports.values())) {
            transport.close(transportReason);
        }
        transports.clear();
    }

    public RouterDumpResponse dump() {
        assert loop.inEventLoop();
        RouterDumpResponse.Builder dump = RouterDumpResponse.newBuilder()
                .setRouterId(id)
                .setRoomId(roomId)
                .setRtpCapabilities(rtpCapabilities)
                .setAppData(appData)
                .addAllTransportIds(transports.keySet());
        if (media != null) {
            dump.addAllTransportIds(media.plainTransportIds())
                    .addAllProducerIds(media.producerIds())
                    .addAllConsumerIds(media.consumerIds());
        }
        return dump.build();
    }
}
