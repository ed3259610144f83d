package io.sluice.orchestrator.client;

import io.sluice.api.v1.RouterClosed;

/** Events of routers ({@code sluice.event.<routerId>.router.<routerId>.<event>}). */
public interface RouterEventListener {

    /** The router closed, on request or because its worker shut down. */
    void onRouterClosed(String workerId, String routerId, RouterClosed.Reason reason);
}
