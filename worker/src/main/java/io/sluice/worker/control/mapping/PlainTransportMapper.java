package io.sluice.worker.control.mapping;

import io.sluice.api.v1.PlainTransportDumpResponse;
import io.sluice.api.v1.PlainTransportInfo;
import io.sluice.api.v1.RouterCreatePlainTransportRequest;
import io.sluice.api.v1.SrtpCryptoSuite;
import io.sluice.api.v1.SrtpParameters;
import io.sluice.api.v1.TransportStats;
import io.sluice.worker.router.PlainTransport;
import io.sluice.worker.router.PlainTransportOptions;
import io.sluice.worker.router.SluiceException;
import io.sluice.worker.router.SrtpKey;
import io.sluice.worker.srtp.SrtpProfile;
import java.util.List;

/**
 * Plain transports as the API gives them: the create request, SDES-style SRTP parameters
 * (RFC 4568 §6.1), info, dump and stats.
 */
public final class PlainTransportMapper {

    private PlainTransportMapper() {}

    /** rtcp_mux defaults to true; the crypto suite matters only with enable_srtp. */
    public static PlainTransportOptions toDomain(RouterCreatePlainTransportRequest request) throws SluiceException {
        return new PlainTransportOptions(ListenInfoMapper.toDomain(request.getListenInfo()),
                request.hasRtcpListenInfo() ? ListenInfoMapper.toDomain(request.getRtcpListenInfo()) : null,
                !request.hasRtcpMux() || request.getRtcpMux(), request.getComedia(),
                request.getEnableSrtp() ? profile(request.getSrtpCryptoSuite(), "srtp_crypto_suite") : null,
                request.getUserId(), AppDataMapper.toDomain(request.getAppData()));
    }

    /** A plain transport's default suite is AES_CM_128_HMAC_SHA1_80, as mediasoup's. */
    public static SrtpProfile profile(SrtpCryptoSuite suite, String field) throws SluiceException {
        return switch (suite) {
            case AES_CM_128_HMAC_SHA1_80, SRTP_CRYPTO_SUITE_UNSPECIFIED -> SrtpProfile.AES128_CM_HMAC_SHA1_80;
            case AES_CM_128_HMAC_SHA1_32 -> SrtpProfile.AES128_CM_HMAC_SHA1_32;
            case AEAD_AES_128_GCM -> SrtpProfile.AEAD_AES_128_GCM;
            case AEAD_AES_256_GCM -> SrtpProfile.AEAD_AES_256_GCM;
            default -> throw SluiceException.invalid(field, "unknown SRTP crypto suite " + suite);
        };
    }

    public static SrtpCryptoSuite toProto(SrtpProfile profile) {
        return switch (profile) {
            case AES128_CM_HMAC_SHA1_80 -> SrtpCryptoSuite.AES_CM_128_HMAC_SHA1_80;
            case AES128_CM_HMAC_SHA1_32 -> SrtpCryptoSuite.AES_CM_128_HMAC_SHA1_32;
            case AEAD_AES_128_GCM -> SrtpCryptoSuite.AEAD_AES_128_GCM;
            case AEAD_AES_256_GCM -> SrtpCryptoSuite.AEAD_AES_256_GCM;
        };
    }

    /** The peer's key of plainTransport.connect; the key itself is checked by the transport. */
    public static SrtpKey toDomain(SrtpParameters parameters, String field) throws SluiceException {
        return new SrtpKey(profile(parameters.getCryptoSuite(), field + ".crypto_suite"), parameters.getKeyBase64());
    }

    public static PlainTransportInfo info(PlainTransport transport) {
        PlainTransportInfo.Builder info = PlainTransportInfo.newBuilder()
                .setId(transport.id())
                .setTuple(TransportMapper.toProto(transport.tuple()))
                .setRtcpMux(transport.rtcpMux())
                .setComedia(transport.comedia());
        if (transport.rtcpTuple() != null) {
            info.setRtcpTuple(TransportMapper.toProto(transport.rtcpTuple()));
        }
        SrtpKey key = transport.localSrtpKey();
        if (key != null) {
            info.setSrtpParameters(SrtpParameters.newBuilder()
                    .setCryptoSuite(toProto(key.profile()))
                    .setKeyBase64(key.keyBase64()));
        }
        return info.build();
    }

    /** plainTransport.dump; the producer and consumer ids come from the worker. */
    public static PlainTransportDumpResponse dump(PlainTransport transport, List<String> producerIds,
            List<String> consumerIds) {
        return PlainTransportDumpResponse.newBuilder()
                .setTransport(info(transport))
                .setRouterId(transport.router().id())
                .addAllProducerIds(producerIds)
                .addAllConsumerIds(consumerIds)
                .setAppData(AppDataMapper.toProto(transport.appData()))
                .setPacketsReceived(transport.packetsReceived())
                .setPacketsSent(transport.packetsSent())
                .putAllDroppedPackets(transport.droppedPackets())
                .build();
    }

    /** transport.getStats for a plain transport: counts on the wire (SRTP included), tuples, drops. */
    public static TransportStats stats(PlainTransport transport, long nowMs) {
        TransportStats.Builder stats = TransportStats.newBuilder()
                .setTransportId(transport.id())
                .setTimestampMs(nowMs)
                .setType("plain")
                .setTuple(TransportMapper.toProto(transport.tuple()))
                .setBytesReceived(transport.bytesReceived())
                .setPacketsReceived(transport.packetsReceived())
                .setBytesSent(transport.bytesSent())
                .setPacketsSent(transport.packetsSent());
        if (transport.rtcpTuple() != null) {
            stats.setRtcpTuple(TransportMapper.toProto(transport.rtcpTuple()));
        }
        return stats.putAllDroppedPackets(transport.droppedPackets()).build();
    }
}
