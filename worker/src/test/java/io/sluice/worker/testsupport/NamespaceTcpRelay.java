package io.sluice.worker.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * Lets the test process, which stays in its own network namespace, reach a TCP server inside
 * another one without giving its namespace an address: it listens on 127.0.0.1 here and, for
 * each connection, starts a small Python program in the other namespace that connects to the
 * server there and relays the bytes over its standard input and output. For the test's control
 * connection to a nats-server of {@link TwoHosts}.
 */
public final class NamespaceTcpRelay implements AutoCloseable {

    private static final String RELAY = String.join("\n",
            "import os, socket, sys, threading",
            "s = socket.create_connection((sys.argv[1], int(sys.argv[2])))",
            "def up():",
            "    while True:",
            "        data = os.read(0, 65536)",
            "        if not data:",
            "            s.shutdown(socket.SHUT_WR)",
            "            return",
            "        s.sendall(data)",
            "threading.Thread(target=up, daemon=True).start()",
            "while True:",
            "    data = s.recv(65536)",
            "    if not data:",
            "        break",
            "    os.write(1, data)");

    private final ServerSocket server;
    private final List<String> execPrefix;
    private final String host;
    private final int port;
    private final List<Process> relays = new ArrayList<>();
    private final List<Socket> sockets = new ArrayList<>();

    /** Relays to {@code host:port} as seen by a program started under {@code execPrefix}. */
    public NamespaceTcpRelay(List<String> execPrefix, String host, int port) throws IOException {
        this.execPrefix = List.copyOf(execPrefix);
        this.host = host;
        this.port = port;
        this.server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().name("relay-accept").start(this::accept);
    }

    /** The local port that leads to the server in the namespace. */
    public int localPort() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                List<String> command = new ArrayList<>(execPrefix);
                command.addAll(List.of(ExternalTool.require("python3", "python3").toString(), "-c", RELAY,
                        host, Integer.toString(port)));
                Process relay = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
                synchronized (this) {
                    relays.add(relay);
                    sockets.add(socket);
                }
                pump("relay-up", socket.getInputStream(), relay.getOutputStream());
                pump("relay-down", relay.getInputStream(), socket.getOutputStream());
            } catch (IOException closed) {
                return;
            }
        }
    }

    private static void pump(String name, InputStream from, OutputStream to) {
        Thread.ofPlatform().daemon().name(name).start(() -> {
            byte[] buffer = new byte[65536];
            try (from; to) {
                // A process's standard input is buffered: each chunk goes on at once.
                for (int read; (read = from.read(buffer)) >= 0; ) {
                    to.write(buffer, 0, read);
                    to.flush();
                }
            } catch (IOException closed) {
                // One side went away: closing both ends tells the other.
            }
        });
    }

    @Override
    public synchronized void close() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
        for (Process relay : relays) {
            relay.destroyForcibly();
        }
    }
}
