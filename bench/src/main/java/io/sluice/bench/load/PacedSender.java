package io.sluice.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.worker.srtp.SrtpSendContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends SRTP video-sized packets of one SSRC at a steady pace to the producer's plain transport.
 * The plain payload starts with the send time ({@link System#nanoTime()}) and the packet's index,
 * so a receiver that decrypts a packet knows how long forwarding took. Sequence numbers keep
 * increasing across runs, and RTP timestamps follow the send time, as a real sender's would.
 */
final class PacedSender implements AutoCloseable {

    static final int PAYLOAD_TYPE = 101;
    static final int SSRC = 0x5EED0001;
    private static final int RTP_HEADER_LENGTH = 12;
    /** VP8's 90 kHz clock (RFC 7741 §4.1). */
    private static final int CLOCK_RATE = 90_000;

    private final DatagramChannel channel;
    private final SrtpSendContext srtp;
    private final ByteBuf packet;
    private final int payloadLength;
    private long packetIndex;
    private final long clockStart = System.nanoTime();

    PacedSender(InetSocketAddress producerTransport, SrtpSendContext srtp, int payloadLength) throws IOException {
        this(DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0)).connect(producerTransport), srtp,
                payloadLength);
    }

    /**
     * On a socket already connected to the producer's transport (a WebRTC transport's, whose ICE
     * selected this socket's address); closed with this sender.
     */
    PacedSender(DatagramChannel connected, SrtpSendContext srtp, int payloadLength) {
        this.channel = connected;
        this.srtp = srtp;
        this.payloadLength = payloadLength;
        this.packet = Unpooled.buffer(RTP_HEADER_LENGTH + payloadLength + srtp.maxOverhead());
    }

    /** Bytes of each SRTP packet on the wire (UDP payload). */
    int packetLength() {
        return RTP_HEADER_LENGTH + payloadLength + srtp.rtpOverhead();
    }

    /**
     * Sends {@code count} packets, one every {@code 1e9 / packetsPerSecond} ns, on the calling
     * thread. Returns how many the kernel accepted.
     */
    long send(long count, int packetsPerSecond) throws IOException {
        long period = 1_000_000_000L / packetsPerSecond;
        long start = System.nanoTime();
        long sent = 0;
        for (long i = 0; i < count; i++) {
            long due = start + i * period;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            if (sendOne()) {
                sent++;
            }
        }
        return sent;
    }

    private boolean sendOne() throws IOException {
        long index = packetIndex++;
        packet.clear();
        // RFC 3550 §5.1: V=2, no padding, extension or CSRC; marker on every packet (one per frame).
        packet.writeByte(0x80);
        packet.writeByte(0x80 | PAYLOAD_TYPE);
        packet.writeShort((int) index);
        // The sampling instant (RFC 3550 §5.1): the send time on the 90 kHz clock, so that a pause
        // between steps moves the timestamps on as a real sender's do, and the worker's estimate of
        // how long a packet waited (docs/protocol.md "Overload") sees the pause as no wait.
        long now = System.nanoTime();
        packet.writeInt((int) ((now - clockStart) * CLOCK_RATE / 1_000_000_000L));
        packet.writeInt(SSRC);
        packet.writeLong(now);
        packet.writeLong(index);
        packet.writeZero(payloadLength - 16);
        if (!srtp.protectRtp(packet)) {
            throw new IllegalStateException("SRTP refused packet " + index);
        }
        ByteBuffer wire = packet.nioBuffer();
        return channel.write(wire) > 0;
    }

    @Override
    public void close() throws IOException {
        channel.close();
        packet.release();
    }
}
