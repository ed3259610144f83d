package io.sluice.worker.control;

import io.netty.util.NetUtil;
import io.sluice.api.v1.PipePeer;
import io.sluice.api.v1.PipeTransportCloseRequest;
import io.sluice.api.v1.PipeTransportCloseResponse;
import io.sluice.api.v1.PipeTransportConnectRequest;
import io.sluice.api.v1.PipeTransportConnectResponse;
import io.sluice.api.v1.PipeTransportConsumeRequest;
import io.sluice.api.v1.PipeTransportDumpRequest;
import io.sluice.api.v1.PipeTransportDumpResponse;
import io.sluice.api.v1.PipeTransportInfo;
import io.sluice.api.v1.PipeTransportProduceRequest;
import io.sluice.api.v1.RouterCreatePipeTransportRequest;
import io.sluice.api.v1.RouterCreatePipeTransportResponse;
import io.sluice.api.v1.SrtpCryptoSuite;
import io.sluice.api.v1.SrtpParameters;
import io.sluice.api.v1.TransportConsumeResponse;
import io.sluice.api.v1.TransportProduceResponse;
import io.sluice.api.v1.TransportProtocol;
import io.sluice.api.v1.TransportStats;
import io.sluice.api.v1.TransportTuple;
import io.sluice.worker.control.mapping.AppDataMapper;
import io.sluice.worker.control.mapping.ListenInfoMapper;
import io.sluice.worker.control.mapping.RtpParametersMapper;
import io.sluice.worker.router.PipeConsumer;
import io.sluice.worker.router.PipeTransport;
import io.sluice.worker.router.Producer;
import io.sluice.worker.router.SluiceException;
import io.sluice.worker.srtp.SrtpProfile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Base64;
import java.util.concurrent.CompletionStage;

/**
 * Handlers of router.createPipeTransport and pipeTransport.*, and the protobuf view of a
 * {@link PipeTransport} (info, stats, SRTP parameters); on the worker's loop.
 */
final class PipeHandlers {

    private PipeHandlers() {}

    static CompletionStage<RouterCreatePipeTransportResponse> createPipeTransport(WorkerControl worker,
            RouterCreatePipeTransportRequest request) throws SluiceException {
        var router = worker.worker().router(request.getRouterId());
        if (request.getInProcess()) {
            if (request.getEnableSrtp()) {
                throw SluiceException.invalid("enable_srtp", "an in-process pipe never leaves the process: no SRTP");
            }
            PipeTransport.Peer peer = request.hasPeer()
                    ? new PipeTransport.Peer(request.getPeer().getWorkerId(), request.getPeer().getTransportId()) : null;
            return TransportHandlers.map(worker.worker().createInProcessPipeTransport(router, request.getEnableRtx(),
                    peer), transport -> RouterCreatePipeTransportResponse.newBuilder().setTransport(info(transport))
                    .build());
        }
        SrtpProfile profile = request.getEnableSrtp()
                ? profile(request.getSrtpCryptoSuite(), "srtp_crypto_suite") : null;
        PipeTransport.Peer peer = request.hasPeer()
                ? new PipeTransport.Peer(request.getPeer().getWorkerId(), request.getPeer().getTransportId()) : null;
        return TransportHandlers.map(worker.worker().createPipeTransport(router, ListenInfoMapper.toDomain(request.getListenInfo()), profile,
                request.getEnableRtx(), peer), transport -> {
                    if (peer != null) {
                        worker.pipePeerWatch().watch();
                    }
                    return RouterCreatePipeTransportResponse.newBuilder().setTransport(info(transport)).build();
                });
    }

    static PipeTransportConnectResponse connect(WorkerControl worker, PipeTransportConnectRequest request)
            throws SluiceException {
        PipeTransport transport = worker.worker().pipeTransport(request.getTransportId());
        if (!request.getInProcessPeerId().isEmpty()) {
            transport.connectInProcess(request.getInProcessPeerId());
            return PipeTransportConnectResponse.newBuilder().setTransport(info(transport)).build();
        }
        InetAddress ip = NetUtil.createInetAddressFromIpAddressString(request.getIp());
        if (ip == null) {
            throw SluiceException.invalid("ip", "not an IP address: " + request.getIp());
        }
        if (request.getPort() < 1 || request.getPort() > 65535) {
            throw SluiceException.invalid("port", "port must be 1 to 65535, got "
                    + Integer.toUnsignedString(request.getPort()));
        }
        SrtpProfile remoteProfile = null;
        byte[] remoteKey = null;
        if (request.hasSrtpParameters()) {
            remoteProfile = profile(request.getSrtpParameters().getCryptoSuite(), "srtp_parameters.crypto_suite");
            try {
                remoteKey = Base64.getDecoder().decode(request.getSrtpParameters().getKeyBase64());
            } catch (IllegalArgumentException e) {
                throw SluiceException.invalid("srtp_parameters.key_base64", "not base64: " + e.getMessage());
            }
        }
        transport.connect(new InetSocketAddress(ip, request.getPort()), remoteProfile, remoteKey);
        return PipeTransportConnectResponse.newBuilder().setTransport(info(transport)).build();
    }

    static TransportConsumeResponse consume(WorkerControl worker, PipeTransportConsumeRequest request)
            throws SluiceException {
        PipeConsumer consumer = worker.worker().consumePipe(request.getTransportId(), request.getProducerId(),
                AppDataMapper.toDomain(request.getAppData()));
        return TransportConsumeResponse.newBuilder()
                .setConsumerId(consumer.id())
                .setProducerId(consumer.producer().id())
                .setKind(RtpParametersMapper.toProto(consumer.kind()))
                .setRtpParameters(RtpParametersMapper.toProto(consumer.rtpParameters()))
                .setProducerPaused(consumer.producerPaused())
                .setType(consumer.type())
                .build();
    }

    static TransportProduceResponse produce(WorkerControl worker, PipeTransportProduceRequest request)
            throws SluiceException {
        Producer producer = worker.worker().producePipe(request.getTransportId(), request.getProducerId(),
                RtpParametersMapper.toDomain(request.getKind()), RtpParametersMapper.toDomain(request.getRtpParameters()),
                request.getPaused(), AppDataMapper.toDomain(request.getAppData()));
        if (!request.getPipeConsumerId().isEmpty()) {
            PipeTransport.Peer peer = worker.worker().pipeTransport(request.getTransportId()).peer();
            if (peer != null) {
                worker.pipeLinks().producerFedBy(producer.id(), peer.workerId(), request.getPipeConsumerId());
            }
        }
        return TransportProduceResponse.newBuilder().setProducerId(producer.id()).setType(producer.type().apiName())
                .build();
    }

    static PipeTransportCloseResponse close(WorkerControl worker, PipeTransportCloseRequest request)
            throws SluiceException {
        worker.worker().closePipeTransport(request.getTransportId(), request.getPeerClosed());
        return PipeTransportCloseResponse.getDefaultInstance();
    }

    static PipeTransportDumpResponse dump(WorkerControl worker, PipeTransportDumpRequest request)
            throws SluiceException {
        PipeTransport transport = worker.worker().pipeTransport(request.getTransportId());
        PipeTransportDumpResponse.Builder dump = PipeTransportDumpResponse.newBuilder()
                .setTransport(info(transport))
                .setRouterId(transport.router().id())
                .addAllProducerIds(worker.worker().producerIds(transport))
                .addAllConsumerIds(worker.worker().consumerIds(transport))
                .setPacketsReceived(transport.packetsReceived())
                .setPacketsSent(transport.packetsSent())
                .putAllDroppedPackets(transport.droppedPackets());
        if (transport.peer() != null) {
            dump.setPeer(PipePeer.newBuilder().setWorkerId(transport.peer().workerId())
                    .setTransportId(transport.peer().transportId()));
        }
        return dump.build();
    }

    /** transport.getStats for a pipe transport: counts on the wire (SRTP included), the tuple, drops. */
    static TransportStats stats(PipeTransport transport, long nowMs) {
        return TransportStats.newBuilder()
                .setTransportId(transport.id())
                .setTimestampMs(nowMs)
                .setType("pipe")
                .setTuple(tuple(transport))
                .setBytesReceived(transport.bytesReceived())
                .setPacketsReceived(transport.packetsReceived())
                .setBytesSent(transport.bytesSent())
                .setPacketsSent(transport.packetsSent())
                .putAllDroppedPackets(transport.droppedPackets())
                .build();
    }

    static PipeTransportInfo info(PipeTransport transport) {
        PipeTransportInfo.Builder info = PipeTransportInfo.newBuilder()
                .setId(transport.id())
                .setTuple(tuple(transport))
                .setRtx(transport.rtx())
                .setInProcess(transport.inProcess());
        byte[] key = transport.localKeyAndSalt();
        if (key != null) {
            info.setSrtpParameters(SrtpParameters.newBuilder()
                    .setCryptoSuite(suite(transport.srtpProfile()))
                    .setKeyBase64(Base64.getEncoder().encodeToString(key)));
        }
        return info.build();
    }

    private static TransportTuple tuple(PipeTransport transport) {
        TransportTuple.Builder tuple = TransportTuple.newBuilder().setProtocol(TransportProtocol.UDP);
        if (transport.localAddress() != null) {
            tuple.setLocalAddress(transport.announcedAddress()).setLocalPort(transport.localAddress().getPort());
        }
        if (transport.remote() != null) {
            tuple.setRemoteAddress(transport.remote().getAddress().getHostAddress())
                    .setRemotePort(transport.remote().getPort());
        }
        return tuple.build();
    }

    /** The suite's profile; a pipe's default is AEAD_AES_256_GCM, as mediasoup's. */
    static SrtpProfile profile(SrtpCryptoSuite suite, String field) throws SluiceException {
        return switch (suite) {
            case SRTP_CRYPTO_SUITE_UNSPECIFIED, AEAD_AES_256_GCM -> SrtpProfile.AEAD_AES_256_GCM;
            case AEAD_AES_128_GCM -> SrtpProfile.AEAD_AES_128_GCM;
            case AES_CM_128_HMAC_SHA1_80 -> SrtpProfile.AES128_CM_HMAC_SHA1_80;
            case AES_CM_128_HMAC_SHA1_32 -> SrtpProfile.AES128_CM_HMAC_SHA1_32;
            default -> throw SluiceException.invalid(field, "unknown SRTP crypto suite " + suite);
        };
    }

    static SrtpCryptoSuite suite(SrtpProfile profile) {
        return switch (profile) {
            case AES128_CM_HMAC_SHA1_80 -> SrtpCryptoSuite.AES_CM_128_HMAC_SHA1_80;
            case AES128_CM_HMAC_SHA1_32 -> SrtpCryptoSuite.AES_CM_128_HMAC_SHA1_32;
            case AEAD_AES_128_GCM -> SrtpCryptoSuite.AEAD_AES_128_GCM;
            case AEAD_AES_256_GCM -> SrtpCryptoSuite.AEAD_AES_256_GCM;
        };
    }
}
