package io.sluice.worker.control.mapping;

import io.sluice.api.v1.BweTrace;
import io.sluice.api.v1.DtlsFingerprint;
import io.sluice.api.v1.DtlsParameters;
import io.sluice.api.v1.IceCandidate;
import io.sluice.api.v1.IceParameters;
import io.sluice.api.v1.TransportDumpResponse;
import io.sluice.api.v1.TransportStats;
import io.sluice.api.v1.TransportTraceEvent;
import io.sluice.api.v1.TransportTuple;
import io.sluice.api.v1.WebRtcServerDumpResponse;
import io.sluice.api.v1.WebRtcTransportInfo;
import io.sluice.worker.bwe.BandwidthTrace;
import io.sluice.worker.dtls.DtlsRole;
import io.sluice.worker.dtls.DtlsState;
import io.sluice.worker.ice.IceState;
import io.sluice.worker.router.RemoteDtlsParameters;
import io.sluice.worker.router.SluiceException;
import io.sluice.worker.router.TupleInfo;
import io.sluice.worker.router.WebRtcServer;
import io.sluice.worker.router.WebRtcTransport;
import io.sluice.worker.router.WebRtcTransportOptions;
import io.sluice.api.v1.RouterCreateWebRtcTransportRequest;
import java.util.List;
import java.util.Locale;

/** WebRTC transports and servers, their requests, tuples, ICE and DTLS as the API gives them. */
public final class TransportMapper {

    private TransportMapper() {}

    /** Defaults as mediasoup's when listen infos give both: UDP and TCP enabled. */
    public static WebRtcTransportOptions toDomain(RouterCreateWebRtcTransportRequest request) {
        return new WebRtcTransportOptions(request.getRouterId(), request.getWebrtcServerId(),
                ListenInfoMapper.toDomain(request.getListenInfosList()),
                !request.hasEnableUdp() || request.getEnableUdp(), !request.hasEnableTcp() || request.getEnableTcp(),
                request.getPreferUdp(), request.getPreferTcp(), request.getUserId(),
                AppDataMapper.toDomain(request.getAppData()),
                request.hasInitialAvailableOutgoingBitrate()
                        ? Math.max(1, Integer.toUnsignedLong(request.getInitialAvailableOutgoingBitrate())) : 0,
                SctpMapper.toDomain(request));
    }

    /** The peer's DTLS parameters; an unknown role is refused here, the fingerprints are checked by the transport. */
    public static RemoteDtlsParameters toDomain(DtlsParameters parameters) throws SluiceException {
        RemoteDtlsParameters.Role role = switch (parameters.getRole()) {
            case CLIENT -> RemoteDtlsParameters.Role.CLIENT;
            case SERVER -> RemoteDtlsParameters.Role.SERVER;
            case AUTO, DTLS_ROLE_UNSPECIFIED -> RemoteDtlsParameters.Role.AUTO;
            default -> throw SluiceException.invalid("dtls_parameters.role", "unknown DTLS role " + parameters.getRole());
        };
        return new RemoteDtlsParameters(role, parameters.getFingerprintsList().stream()
                .map(given -> new RemoteDtlsParameters.Fingerprint(given.getAlgorithm(), given.getValue())).toList());
    }

    public static io.sluice.api.v1.DtlsRole toProto(DtlsRole role) {
        return role == DtlsRole.CLIENT ? io.sluice.api.v1.DtlsRole.CLIENT : io.sluice.api.v1.DtlsRole.SERVER;
    }

    public static IceParameters toProto(io.sluice.worker.router.IceParameters parameters) {
        return IceParameters.newBuilder()
                .setUsernameFragment(parameters.usernameFragment())
                .setPassword(parameters.password())
                .setIceLite(parameters.iceLite())
                .build();
    }

    public static IceCandidate toProto(io.sluice.worker.router.IceCandidate candidate) {
        return IceCandidate.newBuilder()
                .setFoundation(candidate.foundation())
                .setPriority((int) candidate.priority())
                .setAddress(candidate.address())
                .setProtocol(ListenInfoMapper.toProto(candidate.protocol()))
                .setPort(candidate.port())
                .setType(candidate.type())
                .setTcpType(candidate.tcpType())
                .build();
    }

    /** An end left null is left unset. */
    public static TransportTuple toProto(TupleInfo tuple) {
        TransportTuple.Builder proto = TransportTuple.newBuilder().setProtocol(ListenInfoMapper.toProto(tuple.protocol()));
        if (tuple.localAddress() != null) {
            proto.setLocalAddress(tuple.localAddress()).setLocalPort(tuple.localPort());
        }
        if (tuple.remoteAddress() != null) {
            proto.setRemoteAddress(tuple.remoteAddress()).setRemotePort(tuple.remotePort());
        }
        return proto.build();
    }

    public static List<TransportTuple> toProto(List<TupleInfo> tuples) {
        return tuples.stream().map(TransportMapper::toProto).toList();
    }

    public static io.sluice.api.v1.IceState toProto(IceState state) {
        return switch (state) {
            case NEW -> io.sluice.api.v1.IceState.ICE_NEW;
            case CONNECTED -> io.sluice.api.v1.IceState.ICE_CONNECTED;
            case COMPLETED -> io.sluice.api.v1.IceState.ICE_COMPLETED;
            case DISCONNECTED -> io.sluice.api.v1.IceState.ICE_DISCONNECTED;
            case CLOSED -> io.sluice.api.v1.IceState.ICE_CLOSED;
        };
    }

    public static io.sluice.api.v1.DtlsState toProto(DtlsState state) {
        return switch (state) {
            case NEW -> io.sluice.api.v1.DtlsState.DTLS_NEW;
            case CONNECTING -> io.sluice.api.v1.DtlsState.DTLS_CONNECTING;
            case CONNECTED -> io.sluice.api.v1.DtlsState.DTLS_CONNECTED;
            case FAILED -> io.sluice.api.v1.DtlsState.DTLS_FAILED;
            case CLOSED -> io.sluice.api.v1.DtlsState.DTLS_CLOSED;
        };
    }

    /** What createWebRtcTransport answers and dumps show: credentials, candidates, states, our fingerprints. */
    public static WebRtcTransportInfo info(WebRtcTransport transport) {
        WebRtcTransportInfo.Builder info = WebRtcTransportInfo.newBuilder()
                .setId(transport.id())
                .setIceParameters(toProto(transport.iceParameters()))
                .addAllIceCandidates(transport.candidates().stream().map(TransportMapper::toProto).toList())
                .setIceState(toProto(transport.iceState()))
                .setDtlsParameters(DtlsParameters.newBuilder()
                        .setRole(io.sluice.api.v1.DtlsRole.AUTO)
                        .addAllFingerprints(transport.localFingerprints().stream()
                                .map(f -> DtlsFingerprint.newBuilder()
                                        .setAlgorithm(f.algorithm().sdpName()).setValue(f.value()).build())
                                .toList()))
                .setDtlsState(toProto(transport.dtlsState()));
        TupleInfo selected = transport.selectedTuple();
        if (selected != null) {
            info.setIceSelectedTuple(toProto(selected));
        }
        SctpMapper.addSctp(info, transport);
        return info.build();
    }

    /** transport.dump; the producer and consumer ids come from the worker. */
    public static TransportDumpResponse dump(WebRtcTransport transport, List<String> producerIds,
            List<String> consumerIds) {
        return TransportDumpResponse.newBuilder()
                .setTransport(info(transport))
                .setRouterId(transport.router().id())
                .setUserId(transport.userId())
                .addAllProducerIds(producerIds)
                .addAllConsumerIds(consumerIds)
                .setAppData(AppDataMapper.toProto(transport.appData()))
                .build();
    }

    /** transport.getStats for a WebRTC transport. */
    public static TransportStats stats(WebRtcTransport transport, long nowMs) {
        TransportStats.Builder stats = TransportStats.newBuilder()
                .setTransportId(transport.id())
                .setTimestampMs(nowMs)
                .setType("webrtc")
                .setIceState(toProto(transport.iceState()))
                .setDtlsState(toProto(transport.dtlsState()))
                .setBytesReceived(transport.bytesReceived())
                .setPacketsReceived(transport.packetsReceived())
                .setBytesSent(transport.bytesSent())
                .setPacketsSent(transport.packetsSent())
                .setAvailableOutgoingBitrate(saturated(transport.bandwidthEstimator().availableBitrate()))
                .setMaxIncomingBitrate(saturated(transport.maxIncomingBitrate()))
                .setProbeState(transport.bandwidthEstimator().probeState().name().toLowerCase(Locale.ROOT));
        TupleInfo selected = transport.selectedTuple();
        if (selected != null) {
            stats.setIceSelectedTuple(toProto(selected));
        }
        return stats.putAllDroppedPackets(transport.droppedPackets()).build();
    }

    public static WebRtcServerDumpResponse dump(WebRtcServer server) {
        return WebRtcServerDumpResponse.newBuilder()
                .setWebrtcServerId(server.id())
                .addAllLocalTuples(toProto(server.localTuples()))
                .addAllTransportIds(server.transportIds())
                .build();
    }

    /** The "trace" event of type "bwe"; bitrates beyond 32 bits saturate. */
    public static TransportTraceEvent toProto(BandwidthTrace trace) {
        return TransportTraceEvent.newBuilder()
                .setType("bwe")
                .setBwe(BweTrace.newBuilder()
                        .setDesiredBitrate(saturated(trace.desiredBitrate()))
                        .setEffectiveDesiredBitrate(saturated(trace.effectiveDesiredBitrate()))
                        .setAvailableBitrate(saturated(trace.availableBitrate()))
                        .setDelayBasedBitrate(saturated(trace.delayBasedBitrate()))
                        .setLossBasedBitrate(saturated(trace.lossBasedBitrate()))
                        .setRembBitrate(saturated(trace.rembBitrate()))
                        .setMinBitrate(saturated(trace.minBitrate()))
                        .setMaxBitrate(saturated(trace.maxBitrate()))
                        .setAllocatedBitrate(saturated(trace.allocatedBitrate()))
                        .setLossFraction(trace.lossFraction())
                        .setRttMs(saturated(trace.rttMillis()))
                        .setProbeState(trace.probeState().name().toLowerCase(Locale.ROOT)))
                .build();
    }

    /** As a uint32 field carries it: values beyond 2^32 - 1 become 2^32 - 1. */
    static int saturated(long value) {
        return (int) Math.min(0xFFFFFFFFL, Math.max(0, value));
    }
}
