package io.sluice.worker.router;

import io.netty.buffer.ByteBuf;
import io.sluice.worker.bwe.RtcpSender;
import io.sluice.worker.bwe.SendSideBandwidthEstimator;

/**
 * What producers and consumers need of a transport, whatever carries it: a WebRTC transport (ICE,
 * DTLS-SRTP) or a plain one (UDP, optional SDES-keyed SRTP); {@link Transport} is the owning side.
 * Used only on the router's loop.
 */
public interface MediaTransport extends RtcpSender {

    /**
     * How long the RTP packet of {@code producer}'s {@code stream} being received waited before
     * this loop read it, beyond the stream's least wait ({@link io.sluice.worker.router.stats.InputDelay}):
     * what the overload handling judges a packet by ({@link LoopOverload}).
     */
    default long inputDelayMs(Producer producer, int stream) {
        return producer.stream(stream).stats().inputDelayMs();
    }

    String id();

    Router router();

    boolean closed();

    /**
     * Sends one RTP packet to the remote, protecting it in place when SRTP is on: the buffer needs
     * {@link #srtpOverhead()} writable bytes after the packet. Takes ownership of the buffer.
     */
    void sendRtp(ByteBuf packet);

    /**
     * The bandwidth towards the remote: numbers (transport-wide sequence number) and records every
     * packet the consumers that negotiated the transport-wide-cc header extension send, and takes
     * the remote's feedback about them.
     */
    SendSideBandwidthEstimator bandwidthEstimator();

    /** The running totals of the loop this transport lives on, where its media counts NACKs, PLIs and resends. */
    LoopCounters loopCounters();
}
