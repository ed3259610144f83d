package io.sluice.worker.net;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

/**
 * Where RTC sockets deliver what they receive, on their event loop: a WebRTC transport with its
 * own ports, or a WebRTC server that demultiplexes a shared port.
 */
public interface RtcPacketSink {

    /** One packet; {@code packet} is released by the socket after this returns (retain to keep it). */
    void onRtcPacket(RtcSocket socket, ByteBuf packet, InetSocketAddress remote);

    /** A TCP connection closed; UDP sockets close only when their owner closes them. */
    void onRtcSocketClosed(RtcSocket socket);
}
