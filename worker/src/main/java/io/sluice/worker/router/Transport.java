package io.sluice.worker.router;

/**
 * A transport as its router owns it: the closed family of transport kinds (mediasoup's WebRTC and
 * plain transports, and the pipe transports between routers). Each owns its producers and consumers through
 * its {@link TransportMedia}. Producers and consumers see only the {@link MediaTransport} side.
 */
public sealed interface Transport extends MediaTransport permits WebRtcTransport, PlainTransport, PipeTransport {

    /** The user the transport serves, as given at creation (empty if none): its registry mapping's. */
    String userId();

    /** Its producers and consumers, and where its decrypted packets go; null until the first is made. */
    TransportMedia media();
}
