package io.sluice.worker.router;

import io.netty.util.NetUtil;
import io.sluice.worker.ice.TransportTuple;
import io.sluice.worker.net.AddressSyntax;
import io.sluice.worker.net.PortRange;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Listen infos of a transport or WebRTC server, checked and completed with the worker's defaults
 * (LISTEN_IP, ANNOUNCED_IP, RTC_MIN_PORT..RTC_MAX_PORT), and the ICE candidates they give.
 */
final class ListenInfos {

    /** RFC 8445 §5.1.2.1: type preference of host candidates, as mediasoup gives it. */
    private static final int HOST_TYPE_PREFERENCE = 64;
    private static final int DEFAULT_LOCAL_PREFERENCE = 10_000;
    private static final int LOCAL_PREFERENCE_STEP = 100;
    private static final int PREFERRED_PROTOCOL_BONUS = 1_000;
    /** RTP and RTCP share one component (rtcp-mux). */
    private static final int COMPONENT_ID = 1;

    /** One checked listen info. */
    record Resolved(TransportTuple.Protocol protocol, InetAddress ip, String announcedAddress, int port, PortRange range) {}

    private ListenInfos() {}

    /**
     * The listen infos to bind: the given ones filtered by enable_udp / enable_tcp, or one UDP and
     * one TCP on the worker's defaults when none is given. {@code field} names the request field in errors.
     */
    static List<Resolved> resolve(List<ListenInfo> given, boolean enableUdp, boolean enableTcp,
            RtcResources defaults, String field) throws SluiceException {
        List<ListenInfo> infos = given;
        if (infos.isEmpty()) {
            infos = List.of(ListenInfo.defaults(TransportTuple.Protocol.UDP), ListenInfo.defaults(TransportTuple.Protocol.TCP));
        }
        List<Resolved> resolved = new ArrayList<>();
        for (int i = 0; i < infos.size(); i++) {
            ListenInfo info = infos.get(i);
            String at = field + "[" + i + "]";
            if (info.protocol() == null) {
                throw SluiceException.invalid(at + ".protocol", "protocol must be UDP or TCP");
            }
            if (info.protocol() == TransportTuple.Protocol.UDP && !enableUdp
                    || info.protocol() == TransportTuple.Protocol.TCP && !enableTcp) {
                continue;
            }
            InetAddress ip = defaults.listenIp();
            if (!info.ip().isEmpty()) {
                ip = parseIp(info.ip(), at + ".ip");
            }
            // Only ports of RTC_MIN_PORT..RTC_MAX_PORT are ours to bind.
            PortRange allowed = defaults.portRange();
            long port = info.port();
            if (port != 0 && (port < allowed.min() || port > allowed.max())) {
                throw SluiceException.invalid(at + ".port", "port must be 0 (any) or within " + allowed.min() + "-"
                        + allowed.max() + " (RTC_MIN_PORT..RTC_MAX_PORT), got " + port);
            }
            PortRange range = allowed;
            if (info.portRange() != null) {
                long min = info.portRange().min();
                long max = info.portRange().max();
                if (min < allowed.min() || max > allowed.max() || min > max) {
                    throw SluiceException.invalid(at + ".port_range", "port range must lie within " + allowed.min()
                            + "-" + allowed.max() + " (RTC_MIN_PORT..RTC_MAX_PORT), got " + min + "-" + max);
                }
                range = new PortRange((int) min, (int) max);
            }
            String announced = !info.announcedAddress().isEmpty() ? info.announcedAddress()
                    : info.ip().isEmpty() ? defaults.announcedAddress() : info.ip();
            if (announced.isEmpty() || announced.equals("0.0.0.0") || announced.equals("::")) {
                throw SluiceException.invalid(at + ".announced_address",
                        "an announced address is required when listening on " + ip.getHostAddress());
            }
            if (!AddressSyntax.isIpOrHostName(announced)) {
                throw SluiceException.invalid(at + ".announced_address",
                        "must be an IP address or a host name, got \"" + abbreviate(announced) + "\"");
            }
            resolved.add(new Resolved(info.protocol(), ip, announced, (int) port, range));
        }
        if (resolved.isEmpty()) {
            throw SluiceException.invalid(field, "no listen info left: enable UDP or TCP");
        }
        return resolved;
    }

    static InetAddress parseIp(String ip, String field) throws SluiceException {
        InetAddress address = NetUtil.createInetAddressFromIpAddressString(ip);
        if (address == null) {
            throw SluiceException.invalid(field, "not an IP address: \"" + abbreviate(ip) + "\"");
        }
        return address;
    }

    /** Bad input quoted back in an error, cut so that a huge value does not make a huge reply. */
    private static String abbreviate(String value) {
        return value.length() <= 64 ? value : value.substring(0, 64) + "...";
    }

    /**
     * RFC 8445 §5.1.2.1: priority = 2^24 * type preference + 2^8 * local preference + (256 - component).
     * Earlier listen infos, and the preferred protocol, get the higher local preference.
     */
    static IceCandidate candidate(int index, TransportTuple.Protocol protocol, String address, int port,
            boolean preferUdp, boolean preferTcp) {
        int localPreference = DEFAULT_LOCAL_PREFERENCE - index * LOCAL_PREFERENCE_STEP;
        if (protocol == TransportTuple.Protocol.UDP && preferUdp || protocol == TransportTuple.Protocol.TCP && preferTcp) {
            localPreference += PREFERRED_PROTOCOL_BONUS;
        }
        long priority = ((long) HOST_TYPE_PREFERENCE << 24) + ((long) localPreference << 8) + (256 - COMPONENT_ID);
        return new IceCandidate(protocol == TransportTuple.Protocol.UDP ? "udpcandidate" : "tcpcandidate", priority,
                address, protocol, port, "host", protocol == TransportTuple.Protocol.TCP ? "passive" : "");
    }
}
