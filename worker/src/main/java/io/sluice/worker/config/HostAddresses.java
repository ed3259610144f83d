package io.sluice.worker.config;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Whether an address is one of this host's, checked at start: binding to a foreign address
 * fails only later, per transport, with every port of the range, which reads like a full range.
 */
public final class HostAddresses {

    private HostAddresses() {}

    /**
     * Passes for a wildcard, a loopback address (Linux answers the whole of 127.0.0.0/8 and ::1)
     * or an address of an interface; otherwise names the host's addresses in the message.
     */
    public static void requireLocal(String name, String ip) throws ConfigException {
        if (SettingParsers.isWildcard(ip)) {
            return;
        }
        try {
            InetAddress address = InetAddress.getByName(ip);
            if (address.isLoopbackAddress() || NetworkInterface.getByInetAddress(address) != null) {
                return;
            }
        } catch (UnknownHostException | SocketException e) {
            throw new ConfigException(name + " " + ip + " cannot be checked against this host's addresses: " + e.getMessage());
        }
        throw new ConfigException(name + " " + ip + " is not an address of this host (its addresses: "
                + String.join(", ", addresses()) + "; or 0.0.0.0 with ANNOUNCED_IP)");
    }

    static List<String> addresses() {
        List<String> addresses = new ArrayList<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    addresses.add(address.getHostAddress().replaceFirst("%.*$", ""));
                }
            }
        } catch (SocketException e) {
            addresses.add("unknown: " + e.getMessage());
        }
        return addresses;
    }
}
