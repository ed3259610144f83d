package io.sluice.worker.control.mapping;

import io.sluice.api.v1.TransportListenInfo;
import io.sluice.api.v1.TransportProtocol;
import io.sluice.worker.ice.TransportTuple;
import io.sluice.worker.router.ListenInfo;
import java.util.List;

/** The API's listen infos and transport protocols to the router's, and back. */
public final class ListenInfoMapper {

    private ListenInfoMapper() {}

    /** Unchecked: the router checks it. Ports are uint32 on the wire, read unsigned. */
    public static ListenInfo toDomain(TransportListenInfo info) {
        return new ListenInfo(toDomain(info.getProtocol()), info.getIp(), info.getAnnouncedAddress(),
                Integer.toUnsignedLong(info.getPort()),
                info.hasPortRange() ? new ListenInfo.PortBounds(Integer.toUnsignedLong(info.getPortRange().getMin()),
                        Integer.toUnsignedLong(info.getPortRange().getMax())) : null);
    }

    public static List<ListenInfo> toDomain(List<TransportListenInfo> infos) {
        return infos.stream().map(ListenInfoMapper::toDomain).toList();
    }

    /** null for neither UDP nor TCP (unset or unknown). */
    public static TransportTuple.Protocol toDomain(TransportProtocol protocol) {
        return switch (protocol) {
            case UDP -> TransportTuple.Protocol.UDP;
            case TCP -> TransportTuple.Protocol.TCP;
            default -> null;
        };
    }

    public static TransportProtocol toProto(TransportTuple.Protocol protocol) {
        return protocol == TransportTuple.Protocol.UDP ? TransportProtocol.UDP : TransportProtocol.TCP;
    }
}
