package io.sluice.worker.router;

/**
 * What data producers and data consumers need of the transport they belong to: a WebRTC transport
 * (messages over its SCTP association) or a direct transport (messages to and from the backend over
 * NATS, mediasoup's DirectTransport). Used on the router's loop.
 */
public sealed interface DataTransport permits WebRtcTransport, DirectTransport {

    String id();

    Router router();
}
