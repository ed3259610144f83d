/**
 * The browser-facing side of the orchestrator stub: an HTTP server (Netty) that serves the demo
 * page and a JSON request/response/notification protocol on a WebSocket (docs/signaling.md), for
 * the unchanged mediasoup-client. A signed {@link io.sluice.orchestrator.signaling.JoinToken} says
 * which room a peer joins and what it may produce; every request is checked against it and against
 * what the peer owns before it reaches a worker. Rooms map to routers through
 * {@link io.sluice.orchestrator.placement.RoomPlacement}. No buffers leave this package: frames are
 * decoded to strings by Netty's WebSocket codec, which releases them.
 */
package io.sluice.orchestrator.signaling;
