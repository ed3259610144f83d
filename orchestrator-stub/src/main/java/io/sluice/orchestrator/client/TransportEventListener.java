package io.sluice.orchestrator.client;

import io.sluice.api.v1.DtlsState;
import io.sluice.api.v1.IceState;
import io.sluice.api.v1.TransportClosed;

/**
 * Events of WebRTC transports ({@code sluice.event.<routerId>.transport.<transportId>.<event>},
 * docs/protocol.md "Events"). Every method has a no-op default.
 */
public interface TransportEventListener {

    /** ICE state changed ("icestatechange"); consent lost is {@code ICE_DISCONNECTED}. */
    default void onIceStateChanged(String routerId, String transportId, IceState state) {}

    /** DTLS state changed ("dtlsstatechange"); {@code reason} says why for {@code DTLS_FAILED}, else empty. */
    default void onDtlsStateChanged(String routerId, String transportId, DtlsState state, String reason) {}

    /** The transport closed, with its producers and consumers (their events came first). */
    default void onTransportClosed(String routerId, String transportId, TransportClosed.Reason reason) {}
}
