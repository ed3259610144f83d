package io.sluice.orchestrator.placement;

/** The router that serves a room, and the worker it lives on. */
public record RoomAssignment(String roomId, String workerId, String routerId) {}
