package io.sluice.worker.bwe;

import io.netty.buffer.ByteBuf;

/** Where congestion control feedback leaves: the RTCP of the transport the media arrived on. */
public interface RtcpSender {

    /**
     * Sends one RTCP packet, protecting it in place when SRTP is on: the buffer needs
     * {@link #srtpOverhead()} writable bytes after the packet. Takes ownership of the buffer.
     */
    void sendRtcp(ByteBuf packet);

    /** Writable bytes an outgoing packet needs after its end for SRTP's tag and SRTCP index. */
    int srtpOverhead();
}
