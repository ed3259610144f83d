package io.sluice.worker.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** UDP ports of 127.0.0.1 for a receiving ffmpeg, and whether a process has bound one yet. */
public final class UdpPorts {

    private UdpPorts() {}

    /**
     * An even port that, with the odd one after it, was free a moment ago: ffmpeg's RTP input binds
     * both (RTP on the even port, RTCP on the next, RFC 3550 §11).
     */
    public static int freePair() {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (DatagramSocket rtp = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                int port = rtp.getLocalPort();
                if (port % 2 != 0 || port > 65_000) {
                    continue;
                }
                try (DatagramSocket rtcp = new DatagramSocket(port + 1, InetAddress.getLoopbackAddress())) {
                    return port;
                } catch (IOException taken) {
                    // try another pair
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no free UDP port pair on 127.0.0.1");
    }

    /**
     * Whether some socket is bound to this IPv4 UDP port ({@code /proc/net/udp}): a receiver started
     * a moment ago only hears what is sent once it has bound, and on a busy machine that takes a while.
     */
    public static boolean isBound(int port) {
        try {
            return isBound(Path.of("/proc/net/udp"), port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Whether a UDP socket is bound to {@code port} in the network namespace of process {@code pid}
     * (its {@code /proc/<pid>/net/udp}); false once the process is gone.
     */
    public static boolean isBound(long pid, int port) {
        try {
            return isBound(Path.of("/proc/" + pid + "/net/udp"), port);
        } catch (IOException gone) {
            return false;
        }
    }

    private static boolean isBound(Path procNetUdp, int port) throws IOException {
        String hexPort = ":" + String.format(Locale.ROOT, "%04X", port);
        return Files.readAllLines(procNetUdp).stream()
                .map(line -> line.trim().split("\\s+"))
                .anyMatch(fields -> fields.length > 1 && fields[1].endsWith(hexPort));
    }
}
