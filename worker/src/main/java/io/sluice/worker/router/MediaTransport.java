package io.sluice.worker.router;

import io.netty.buffer.ByteBuf;
import io.sluice.worker.rtp.TransportWideSequence;

/**
 * What producers and consumers need of a transport, whatever carries it: a WebRTC transport (ICE,
 * DTLS-SRTP) or a plain one (UDP, optional SDES-keyed SRTP); {@link Transport} is the owning side.
 * Used only on the router's loop.
 */
public interface MediaTransport {

    String id();

    Router router();

    boolean closed();

    /**
     * Sends one RTP packet to the remote, protecting it in place when SRTP is on: the buffer needs
     * {@link #srtpOverhead()} writable bytes after the packet. Takes ownership of the buffer.
     */
    void sendRtp(ByteBuf packet);

    /** As {@link #sendRtp} for one RTCP (compound) packet. */
    void sendRtcp(ByteBuf packet);

    /** Writable bytes an outgoing packet needs after its end for SRTP's tag and SRTCP index. */
    int srtpOverhead();

    /**
     * The transport-wide sequence numbers of what this transport sends, stamped by the consumers
     * that negotiated the transport-wide-cc header extension.
     */
    TransportWideSequence transportWideSequence();
}
