package io.sluice.worker.control;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A test's loopback UDP sockets and the daemon threads that read or send on them, closed together
 * after each test: the sockets first, which ends the readers, then the threads are joined.
 */
final class LoopbackUdp implements AutoCloseable {

    /** Handles one datagram a socket received. */
    @FunctionalInterface
    interface DatagramHandler {
        void handle(byte[] datagram, InetSocketAddress from) throws Exception;
    }

    private static final int RECEIVE_BUFFER_BYTES = 4 << 20;

    private final List<DatagramSocket> sockets = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    /**
     * A socket on a free port of 127.0.0.1, with a receive buffer that holds seconds of a test's
     * media while its reading thread waits for a core on a busy machine.
     */
    DatagramSocket socket() throws SocketException {
        DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        socket.setReceiveBufferSize(RECEIVE_BUFFER_BYTES);
        sockets.add(socket);
        return socket;
    }

    /** Runs {@code body} on a daemon thread, joined at {@link #close()}. */
    void thread(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
        threads.add(thread);
    }

    /** Runs {@code body} on each datagram {@code socket} receives until the socket closes or {@code body} throws. */
    void onDatagrams(String name, DatagramSocket socket, DatagramHandler body) {
        thread(name, () -> {
            byte[] buffer = new byte[2048];
            while (!socket.isClosed()) {
                DatagramPacket datagram = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.receive(datagram);
                    body.handle(Arrays.copyOf(datagram.getData(), datagram.getLength()),
                            (InetSocketAddress) datagram.getSocketAddress());
                } catch (Exception closed) {
                    return;
                }
            }
        });
    }

    /** Whether the datagram is RTCP rather than RTP (RFC 5761 §4: packet types 192-223). */
    static boolean isRtcp(byte[] datagram) {
        int type = datagram[1] & 0xFF;
        return datagram.length >= 8 && type >= 192 && type <= 223;
    }

    @Override
    public void close() throws InterruptedException {
        sockets.forEach(DatagramSocket::close);
        for (Thread thread : threads) {
            thread.join(5000);
        }
    }
}
