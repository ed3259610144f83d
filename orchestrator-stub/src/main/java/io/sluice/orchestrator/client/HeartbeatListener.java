package io.sluice.orchestrator.client;

import io.sluice.api.v1.Heartbeat;

/** Each worker's heartbeat, every second ({@code sluice.heartbeat.<workerId>}). */
@FunctionalInterface
public interface HeartbeatListener {

    void onHeartbeat(Heartbeat heartbeat);
}
