package io.sluice.worker.dtls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.util.Arrays;

/**
 * Connects a {@link LoopPeer} to a real UDP socket on 127.0.0.1: a reader thread feeds every
 * datagram to the transport, and outgoing DTLS goes to the peer address (given, or learned from
 * the first datagram received).
 */
final class UdpGlue implements AutoCloseable {

    private final DatagramSocket socket;
    private final Thread reader;
    private volatile SocketAddress remote;

    UdpGlue(LoopPeer peer, SocketAddress remote) {
        try {
            socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (SocketException e) {
            throw new UncheckedIOException(e);
        }
        this.remote = remote;
        peer.listener.sendTo(this::send);
        reader = Thread.ofPlatform().daemon().name("udp-glue-" + socket.getLocalPort()).start(() -> readLoop(peer));
    }

    int localPort() {
        return socket.getLocalPort();
    }

    private void readLoop(LoopPeer peer) {
        byte[] buffer = new byte[65_535];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (IOException e) {
                return;
            }
            if (remote == null) {
                remote = packet.getSocketAddress();
            }
            peer.deliver(Unpooled.wrappedBuffer(Arrays.copyOfRange(buffer, 0, packet.getLength())));
        }
    }

    private void send(ByteBuf datagram) {
        try {
            SocketAddress to = remote;
            if (to != null && !socket.isClosed()) {
                byte[] bytes = new byte[datagram.readableBytes()];
                datagram.getBytes(datagram.readerIndex(), bytes);
                socket.send(new DatagramPacket(bytes, bytes.length, to));
            }
        } catch (IOException e) {
            // The socket closed under us at the end of a test: nothing left to deliver to.
        } finally {
            datagram.release();
        }
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        reader.join(5_000);
    }

    static int freeUdpPort() {
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return probe.getLocalPort();
        } catch (SocketException e) {
            throw new UncheckedIOException(e);
        }
    }
}
