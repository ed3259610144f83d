package io.sluice.worker.testsupport;

import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.List;

/**
 * Browser tests run only inside a private network namespace whose only interface is {@code lo}:
 * Chromium's WebRTC gathers and answers on every interface whatever its flags, and nothing here
 * may send to an address beyond loopback. scripts/test runs them under {@code unshare --net}.
 */
public final class NetworkIsolation {

    private NetworkIsolation() {}

    /** The interfaces this process sees that are not loopback; empty inside the namespace. */
    public static List<String> nonLoopbackInterfaces() {
        try {
            return NetworkInterface.networkInterfaces()
                    .filter(i -> {
                        try {
                            return !i.isLoopback();
                        } catch (SocketException e) {
                            return true;
                        }
                    })
                    .map(NetworkInterface::getName)
                    .toList();
        } catch (SocketException e) {
            throw new IllegalStateException("cannot list network interfaces", e);
        }
    }

    /** Fails the test unless only loopback is visible. */
    public static void requireLoopbackOnly() {
        List<String> others = nonLoopbackInterfaces();
        if (!others.isEmpty()) {
            throw new AssertionError("browser tests must run in a network namespace with only lo (scripts/test runs "
                    + "them under unshare --net); this one also has " + others);
        }
    }
}
